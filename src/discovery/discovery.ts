import { EventEmitter, setMaxListeners } from 'node:events';
import type { LRUCache } from 'lru-cache';
import { growingLru } from '../net/growing-lru.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { wherezError } from '../errors.js';
import { peerKey, type Peer } from '../peer.js';
import { infohashV1 } from './infohash.js';
import type { Protocol } from './auth-port-zones.js';
import { AuthPorts, type AuthAttachment } from './auth-ports.js';
import { probeV1, type ProbeFailure, type ProbeResult } from './prober.js';
import { V2Zone, type V2ZoneOptions } from './v2/v2-zone.js';
import { SelfDetector } from './self-detector.js';
import type { DhtNode } from './dht.js';
import type { DialGate } from './dial-gate.js';
import { ProbeQueue, type QueuedCandidate } from './probe-queue.js';
import { backoffMs } from './backoff.js';
import { DEFAULT_TIMING, jittered, type DiscoveryTiming } from './timing.js';
import { DiscoveryStats } from './stats.js';
import { DhtSchedule } from './dht-schedule.js';
import { RECHECK_MIN_AGE_MS, SourceRelist } from './source-relist.js';
import { isWildcard } from '../net/endpoint.js';
import { normalizeIp } from '../net/address-class.js';
import { formatEndpoint } from '../net/endpoint.js';

export interface DiscoveryOptions {
  passphrase: Buffer;
  /** Application port this node offers; undefined = discover only (no listener, no announce). */
  appPort?: number;
  /** TCP port of the auth listener, announced in the DHT; 0 picks one. Needed with appPort. */
  authPort?: number;
  /**
   * The process's auth listeners, shared by zones on the same port (v2 zones share one port by
   * the zone hint; see AuthPorts for port 0). Default: a registry of this zone's own.
   */
  authPorts?: AuthPorts;
  /** This zone's name in logs and errors (never a secret). Default: v2.zone, else "zone". */
  label?: string;
  /** The process's DHT node, already started; shared by all zones. */
  dht: DhtNode;
  /** Search fast while fewer than this many peers are verified. Default 1. */
  minPeers?: number;
  /** Bind address of the auth listener and source address of probes. Default 0.0.0.0. */
  host?: string;
  self?: SelfDetector;
  timing?: Partial<DiscoveryTiming>;
  log?: Logger;
  now?: () => number;
  random?: () => number;
  /**
   * Which handshakes this zone speaks. Default v1 for this low-level class; the config, the CLI
   * and findAuthenticatedPeers default to v2. `both` announces and accepts both, and a peer seen
   * on v2 is never tried on v1 (no downgrade).
   */
  protocol?: Protocol;
  /** v2 collaborators (key ring, identity, attested addresses); made up when absent. */
  v2?: V2ZoneOptions;
  /** Shared by a daemon's zones so their dials to one sibling stay under its per-IP slots. */
  dialGate?: DialGate;
}

/** `timer`: the next re-verification, while it waits (undefined while it runs). */
interface Verified { peer: Peer; failures: number; nextVerifyAt: number; timer?: NodeJS.Timeout }
/** What we remember of a candidate that failed (backoff) or turned out to be us; queued ones live in the ProbeQueue. */
/** `lostPeer`: it was verified once; it is dialled again after each backoff without waiting for a lookup. */
interface Candidate { self: boolean; failures: number; retryAt: number; lostPeer?: boolean }

export interface DiscoveryEvents {
  /** A peer passed its first challenge, or came back with another app port. */
  peer: [Peer];
  /** A verified peer failed `lostAfterFailures` re-verifications in a row. */
  lost: [Peer];
  /** A known peer passed a re-verification; valid until the next one, at `nextVerifyAt`. */
  refresh: [Peer, number];
  /** A candidate failed its first challenge (not a peer; it may be tried again after a backoff). */
  unverified: [{ host: string; authPort: number }];
  /** Discovery went down (no DHT node answers; peers are kept, stale) or came back up. */
  health: [boolean];
}

/**
 * Discovery for one passphrase: announce our auth port and keep re-announcing (jittered, never
 * stopping, unlike Go), look up repeatedly (fast while below minPeers), verify contacts
 * concurrently under deadlines, back off failing ones, re-verify known peers and report them
 * lost when they stop answering.
 */
export class Discovery extends EventEmitter<DiscoveryEvents> {
  readonly infohash: Buffer;
  readonly stats = new DiscoveryStats();
  private readonly t: DiscoveryTiming;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly self: SelfDetector;
  private readonly verified = new Map<string, Verified>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly candidates: LRUCache<string, Candidate>;
  private readonly queue: ProbeQueue;
  private readonly schedule: DhtSchedule | undefined;
  private readonly relist: SourceRelist;
  readonly protocol: Protocol;
  private readonly v2: V2Zone | undefined;
  private readonly abort = new AbortController();
  private auth: AuthAttachment | undefined;
  private started = false;
  private closed = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: DiscoveryOptions) {
    super();
    if (opts.appPort !== undefined && opts.authPort === undefined) {
      throw wherezError('WHEREZ_ARGUMENT', 'announcing an app port needs an auth port');
    }
    this.t = { ...DEFAULT_TIMING, ...opts.timing };
    this.log = opts.log ?? silentLogger();
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.self = opts.self ?? new SelfDetector();
    this.infohash = infohashV1(opts.passphrase);
    // Every probe in flight listens on this signal; more than Node's default 10 is by design.
    setMaxListeners(this.t.maxConcurrentProbes + 1, this.abort.signal);
    this.candidates = growingLru(this.t.maxCandidates);
    this.queue = new ProbeQueue({
      maxInFlight: this.t.maxConcurrentProbes, maxQueued: this.t.maxQueuedCandidates,
      maxQueuedPerIp: this.t.maxQueuedPerIp, maxInFlightPerIp: 1, maxInFlightPerPrefix: this.t.maxProbesPerPrefix,
    }, (c) => this.firstProbe(c));
    this.protocol = opts.protocol ?? 'v1';
    this.v2 = this.protocol === 'v1' ? undefined : new V2Zone(opts.v2 ?? {}, {
      passphrase: opts.passphrase, dht: opts.dht, timing: this.t, random: this.random, now: this.now, log: this.log, stats: this.stats,
      host: opts.host ?? '0.0.0.0', abort: this.abort.signal,
      announcePort: opts.appPort === undefined ? undefined : () => this.authPort,
      wantMore: () => this.wantMore(),
      onHealth: (up) => this.emit('health', up),
      onContact: (host, port) => this.consider(host, port, 'v2'),
    });
    this.schedule = this.protocol === 'v2' ? undefined : new DhtSchedule({
      dht: opts.dht, infohash: this.infohash, timing: this.t, random: this.random, log: this.log, stats: this.stats,
      announcePort: opts.appPort === undefined ? undefined : () => this.authPort,
      wantMore: () => this.wantMore(),
      onHealth: (up) => this.emit('health', up),
      now: this.now,
    });
    this.relist = new SourceRelist({
      now: this.now, random: this.random, stats: this.stats,
      dialBack: (e) => this.dialBack(e.host, e.authPort),
      recheck: (ip) => this.recheck(ip),
      relist: (pending) => { this.schedule?.relist(pending); this.v2?.relist(pending); },
    });
  }

  /**
   * Someone wants this zone's peers now (the daemon calls it for DNS queries): a zone lacking
   * peers looks at once instead of at its backed-off pace (rate-limited in DhtSchedule.wake).
   */
  wake(): void {
    if (!this.started || this.closed) return;
    // v1 and v2 lookups have schedules of their own (`both` has both): wake each.
    this.schedule?.wake();
    this.v2?.wake();
  }

  private wantMore(): boolean {
    return this.verified.size < (this.opts.minPeers ?? 1);
  }

  /** The auth listener's bound port (0 when discover-only), shared with the other zones on it. */
  get authPort(): number {
    return this.auth?.listener.port ?? 0;
  }

  /** true while no DHT node answers our lookups (see LookupHealth); v2's current epoch decides when spoken. */
  get down(): boolean {
    return this.v2 ? this.v2.down : this.schedule?.down ?? false;
  }

  /** The v2 side (key ring, infohashes in use, listener stats); undefined for v1 zones. */
  get v2Zone(): V2Zone | undefined {
    return this.v2;
  }

  /** Counters of the auth listener (of the port: every zone sharing it counts there). */
  get listenerStats() {
    return this.auth?.listener.stats;
  }

  /** Verified peers, in the order they were first verified. */
  peers(): Peer[] {
    return [...this.verified.values()].map((v) => v.peer);
  }

  /** When the peer will next be challenged: answers about it must not be cached past this. */
  nextVerifyAt(p: { host: string; authPort: number }): number | undefined {
    return this.verified.get(peerKey(p))?.nextVerifyAt;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.opts.appPort !== undefined) {
      const ports = this.opts.authPorts ?? new AuthPorts({ log: this.log, now: this.now });
      this.auth = ports.attach({
        host: this.opts.host ?? '0.0.0.0', port: this.opts.authPort ?? 0, self: this.self,
        zone: {
          label: this.opts.label ?? this.opts.v2?.zone ?? 'zone', protocol: this.protocol, passphrase: this.opts.passphrase,
          appPort: this.opts.appPort, v2: this.v2?.listenerContext(this.opts.appPort, this.onInbound),
          onV1Answered: this.onInbound,
        },
      });
      await this.auth.ready;
    }
    // Closed while the listener was binding: subscribing or scheduling now would outlive close.
    if (this.closed) return;
    if (this.schedule) {
      this.unsubscribe = this.opts.dht.subscribe(this.infohash, (c) => this.consider(c.host, c.port, 'v1'));
      this.schedule.start();
    }
    this.v2?.start();
  }

  /**
   * Contacts known from elsewhere (the peers file of a warm restart): challenged at once like
   * DHT contacts; each ends in `peer` or `unverified`, unless already known or backing off.
   * A zone that speaks v2 dials them with v2 only: the file does not say how a peer was met, and
   * a restart must not be a way to downgrade an endpoint to v1.
   */
  seed(contacts: ReadonlyArray<{ host: string; authPort: number }>): void {
    for (const c of contacts) this.consider(c.host, c.authPort, this.protocol === 'v1' ? 'v1' : 'v2');
  }

  /** A contact from the DHT: verify it unless known, queued, ourselves or backing off. */
  private consider(host: string, authPort: number, via: 'v1' | 'v2'): void {
    if (this.closed) return;
    const key = peerKey({ host, authPort });
    // No downgrade: an endpoint once seen under a v2 infohash is only ever dialled with v2.
    if (via === 'v2') this.v2?.noteV2(key);
    else if (this.v2?.isV2(key)) return;
    if (this.verified.has(key)) return;
    this.stats.contacts++;
    if (this.queue.has(key)) return;
    const c = this.candidates.get(key);
    if (c && (c.self || this.now() < c.retryAt)) return;
    const offered = this.queue.offer({ key, host, port: authPort, failures: c?.failures ?? 0 });
    if (offered === 'queued') this.log.debug({ contact: key, queued: this.queue.size }, 'verifying candidate');
  }

  /** Someone dialled our auth port (v1 answered, v2 verified): maybe a restarted sibling (source-relist.ts). */
  private readonly onInbound = (remote: string): void => {
    if (this.started && !this.closed) this.relist.onInbound(remote);
  };

  /** A lost peer's IP dialled us: dial the peer now, past its backoff. */
  private dialBack(host: string, authPort: number): void {
    const c = this.candidates.get(peerKey({ host, authPort }));
    if (c && !c.self) c.retryAt = 0;
    this.consider(host, authPort, this.protocol === 'v1' ? 'v1' : 'v2');
  }

  /**
   * A listed IP dialled us: its peers not verified in the last RECHECK_MIN_AGE_MS are challenged
   * now (a sibling back on a new port: its old one is lost within a second, see SourceRelist).
   * A sibling dials us at each of its own re-verifications, so this replaces some of ours and adds
   * some (ours and its own run on separate jittered clocks).
   */
  private recheck(ip: string): number {
    let n = 0;
    const minAge = Math.min(RECHECK_MIN_AGE_MS, this.t.reverifyMs / 3);
    for (const [key, v] of this.verified) {
      if (!v.timer || normalizeIp(v.peer.host) !== ip || this.now() - v.peer.verifiedAt < minAge) continue;
      clearTimeout(v.timer);
      v.timer = undefined;
      this.queue.pushUrgent(() => this.reverify(key, v));
      n++;
    }
    return n;
  }

  /** Candidates dropped because the probe queue was full (they come back with a later lookup). */
  get droppedCandidates(): number {
    return this.queue.dropped;
  }

  private async firstProbe(c: QueuedCandidate): Promise<void> {
    const r = await this.probe(c.host, c.port);
    this.onFirstProbe(c, r);
  }

  /** Whether the endpoint is dialled with v2 (a v2 zone, or a `both` zone that saw it on v2). */
  private dialsV2(key: string): boolean {
    return this.v2 !== undefined && (this.protocol === 'v2' || this.v2.isV2(key));
  }

  private async probe(host: string, port: number): Promise<ProbeResult> {
    this.stats.probes++;
    const release = this.opts.dialGate ? await this.opts.dialGate.acquire(host, this.abort.signal) : () => undefined;
    if (!release) return { ok: false, reason: 'aborted' };
    try {
      return await this.dial(host, port);
    } finally {
      release();
    }
  }

  private dial(host: string, port: number): Promise<ProbeResult> {
    if (this.v2 && this.dialsV2(peerKey({ host, authPort: port }))) return this.v2.probe(host, port);
    return probeV1({
      host, port, passphrase: this.opts.passphrase, self: this.self,
      connectTimeoutMs: this.t.connectTimeoutMs, readTimeoutMs: this.t.readTimeoutMs,
      localAddress: this.opts.host && !isWildcard(this.opts.host) ? this.opts.host : undefined,
      signal: this.abort.signal,
    });
  }

  private onFirstProbe({ key, host, port: authPort, failures }: QueuedCandidate, r: ProbeResult): void {
    if (this.closed) return;
    if (!r.ok) {
      this.fail(r.reason, host, authPort);
      if (r.reason === 'aborted') return;
      const self = r.reason === 'self';
      const lostPeer = !self && this.candidates.get(key)?.lostPeer === true;
      const cand: Candidate = { self, failures: failures + 1, retryAt: self ? Infinity : this.retryAt(failures + 1, key, r.reason), lostPeer };
      this.candidates.set(key, cand);
      if (lostPeer) this.retryDirectly(host, authPort, cand.retryAt);
      this.emit('unverified', { host, authPort });
      return;
    }
    this.candidates.delete(key);
    // The queue never runs one key twice at once; this guards the invariant that a verified key
    // has exactly one entry and one timer.
    if (this.verified.has(key)) return;
    const peer: Peer = { host, port: r.port, authPort, verifiedAt: this.now() };
    const v: Verified = { peer, failures: 0, nextVerifyAt: 0 };
    this.verified.set(key, v);
    this.stats.verified++;
    this.relist.noteListed({ host, authPort });
    this.scheduleReverify(key, v, this.t.reverifyMs);
    this.log.debug({ peer: formatEndpoint({ host, port: r.port }) }, 'peer verified');
    this.emit('peer', peer);
  }

  /**
   * When the endpoint `key`, failed `failures` times in a row (the last for `reason`), may be tried
   * again: v2 dials back off as design 4.8 says; our own keys not derived yet is no failure of the
   * endpoint, so it keeps the short backoff, as v1 does.
   */
  private retryAt(failures: number, key: string, reason: ProbeFailure): number {
    const long = this.dialsV2(key) && reason !== 'no-keys';
    const [baseMs, maxMs] = long ? [this.t.v2BackoffBaseMs, this.t.v2BackoffMaxMs] : [this.t.backoffBaseMs, this.t.backoffMaxMs];
    return this.now() + backoffMs(failures, baseMs, maxMs, this.t.jitter, this.random);
  }

  private fail(reason: ProbeFailure, host: string, port: number): void {
    if (reason === 'aborted') return;
    if (reason === 'self') { this.stats.selfContacts++; return; }
    this.stats.countFailure(reason);
    this.log.debug({ contact: formatEndpoint({ host, port }), reason }, 'candidate failed verification');
  }

  private scheduleReverify(key: string, v: Verified, delayMs: number): void {
    const delay = jittered(delayMs, this.t.jitter, this.random);
    v.nextVerifyAt = this.now() + delay;
    v.timer = setTimeout(() => { v.timer = undefined; this.queue.pushUrgent(() => this.reverify(key, v)); }, delay);
  }

  private async reverify(key: string, v: Verified): Promise<void> {
    const r = await this.probe(v.peer.host, v.peer.authPort);
    if (this.closed || this.verified.get(key) !== v) return;
    this.stats.reverifications++;
    if (r.ok) {
      v.failures = 0;
      const old = v.peer;
      v.peer = { ...old, port: r.port, verifiedAt: this.now() };
      this.scheduleReverify(key, v, this.t.reverifyMs);
      if (old.port !== r.port) { this.emit('lost', old); this.emit('peer', v.peer); }
      this.emit('refresh', v.peer, v.nextVerifyAt);
      return;
    }
    this.fail(r.reason, v.peer.host, v.peer.authPort);
    if (this.down) {
      // Our own outage looks like every peer failing: keep the last known state (served stale).
      this.stats.keptWhileDown++;
      this.scheduleReverify(key, v, this.t.reverifyMs);
      // Kept until the next check: say so, or the cache keeps a past deadline (served as TTL 0).
      this.emit('refresh', v.peer, v.nextVerifyAt);
      return;
    }
    v.failures++;
    if (v.failures < this.t.lostAfterFailures) {
      this.scheduleReverify(key, v, this.t.reverifyRetryMs);
      return;
    }
    this.verified.delete(key);
    this.stats.lost++;
    this.relist.noteLost(v.peer);
    const retryAt = this.retryAt(1, key, r.reason);
    this.candidates.set(key, { self: false, failures: 1, retryAt, lostPeer: true });
    this.retryDirectly(v.peer.host, v.peer.authPort, retryAt);
    this.log.debug({ peer: formatEndpoint(v.peer), reason: r.reason }, 'peer lost');
    if (this.wantMore()) { this.schedule?.speedUp(); this.v2?.speedUp(); }
    this.emit('lost', v.peer);
  }

  /**
   * Dials a lost peer again once its backoff ends, without waiting for a DHT lookup to bring it:
   * with minPeers verified, lookups run once a minute, so a peer that was flooded or restarting
   * stayed unlisted that long (measured: re-listed 43 s after a flood ended).
   */
  private retryDirectly(host: string, authPort: number, retryAt: number): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.consider(host, authPort, this.protocol === 'v1' ? 'v1' : 'v2');
    }, Math.max(0, retryAt - this.now()) + 1);
    this.retryTimers.add(timer);
  }

  /** Idempotent: stops timers, aborts probes in flight, leaves the auth port (closed if no other zone is on it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.schedule?.close();
    this.v2?.close();
    for (const v of this.verified.values()) clearTimeout(v.timer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.queue.stop();
    this.abort.abort();
    await this.auth?.detach();
  }
}
