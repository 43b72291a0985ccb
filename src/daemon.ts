import { EventEmitter } from 'node:events';
import type { Config, ZoneConfig } from './config/types.js';
import { diffConfig, yamlKey, type ConfigDiff } from './config/diff.js';
import type { Logger } from './log.js';
import { silentLogger } from './log.js';
import { PeerCache } from './cache/peer-cache.js';
import { DhtNode } from './discovery/dht.js';
import { Discovery } from './discovery/discovery.js';
import { AuthPorts } from './discovery/auth-ports.js';
import { SelfDetector } from './discovery/self-detector.js';
import type { DiscoveryTiming } from './discovery/timing.js';
import type { ZoneLookup } from './dns/zone-view.js';
import { createDnsServer, type BoundEndpoint, type DnsCounters, type DnsServer, type ZoneService } from './dns/server.js';
import type { DiscoveryStatsJSON } from './discovery/stats.js';
import type { AuthListenerStats } from './discovery/listener.js';
import type { Peer } from './peer.js';
import { AdminServer } from './admin/http.js';
import { WarmPeers } from './state/warm-peers.js';
import type { WriteHooks } from './discovery/state-file.js';
import { createMetrics } from './admin/metrics.js';
import { withDeadline } from './deadline.js';
import { isWherezError, wherezError } from './errors.js';
import { KeyRing } from './discovery/v2/key-ring.js';
import { DialGate } from './discovery/dial-gate.js';
import { KeyCache, keyCachePath } from './discovery/v2/key-cache.js';
import { loadOrCreateIdentity } from './discovery/v2/identity-file.js';
import type { Identity } from './discovery/v2/session.js';
import type { V2ListenerStats } from './discovery/v2/listener-session.js';
import { formatEndpoint } from './net/endpoint.js';

export interface DaemonDeps {
  log?: Logger;
  /** Hooks into state-file writes (tests pause between write and rename to kill -9 there). */
  stateHooks?: WriteHooks;
  now?: () => number;
  /** Timing overrides for every zone (tests use short timers). */
  timing?: Partial<DiscoveryTiming>;
  /** Deadline of each start step (default START_STEP_TIMEOUT_MS). */
  startStepTimeoutMs?: number;
  /**
   * A v2 key ring shared with other discoveries of this process (the demo's siblings: one scrypt
   * per epoch for all of them). Its owner starts and closes it; the daemon adds and removes its
   * zones only. Default: a ring of the daemon's own.
   */
  keys?: KeyRing;
  /**
   * Applies a reloaded `log_level` to every logger of the process, the root and each component's
   * child (`setLogLevel` in log.ts). Absent (an embedder's logger, `wherez serve --log-level`):
   * the level is set outside the config, and a changed `log_level` is logged as not applied.
   */
  setLogLevel?: (level: string) => void;
}

/**
 * Each start step (DHT state read and bind, one zone's auth listener, the DNS binds, the metrics
 * bind) normally takes milliseconds; one that hangs (a state file that is a FIFO, a socket that
 * never reports) fails the start with WHEREZ_START_TIMEOUT instead of hanging it.
 */
export const START_STEP_TIMEOUT_MS = 10_000;

export interface ZoneStatus {
  label: string;
  name: string;
  announce: number | undefined;
  authPort: number;
  stale: boolean;
  down: boolean;
  peers: Array<{ host: string; port: number; expiresAt: number }>;
  discovery: DiscoveryStatsJSON;
  auth: AuthListenerStats | undefined;
  protocol: 'v1' | 'v2' | 'both';
  /** v2 zones: the rendezvous in use, the addresses vouched for, the listener's v2 counters. */
  v2?: { infohashes: { epoch: number; infohash: string; announces: boolean }[]; attested: readonly string[]; listener: V2ListenerStats };
}

export interface DaemonStatus {
  dns: DnsCounters | undefined;
  dht: { port: number; nodes: number; garbageContacts: number; outOfScopeContacts: number; queriesSent: number; queriesHeldBack: number };
  zones: ZoneStatus[];
}

/** Floor of the re-verification period a zone's TTL sets (a TTL of 0 must not mean a busy loop). */
const MIN_REVERIFY_MS = 1000;

function servicesOf(zones: readonly ZoneConfig[]): readonly ZoneService[] {
  return zones.flatMap((z) => (z.service === undefined ? [] : [{ label: z.label, service: z.service, proto: z.proto }]));
}

/** A zone's TTL is also its re-verification period: no answer outlives the next check. */
export function reverifyMsFor(zone: ZoneConfig): number {
  return Math.max(MIN_REVERIFY_MS, zone.ttl * 1000);
}

/**
 * The composition root: config -> cache -> discovery -> DNS. Starts in that order (the DNS
 * server last, so it never answers for a half-built system) and closes in reverse. A start
 * that fails part-way closes what it had started.
 */
export class Daemon {
  readonly cache = new PeerCache();
  /** `peer` / `lost` per zone label, as logged: for the demo and embedders (never a secret). */
  readonly events = new EventEmitter<{ peer: [string, Peer]; lost: [string, Peer] }>();
  private readonly log: Logger;
  private dht: DhtNode | undefined;
  private readonly discoveries = new Map<string, Discovery>();
  private dns: DnsServer | undefined;
  private admin: AdminServer | undefined;
  /** Bound port of the metrics/status endpoint (0 when off). */
  adminPort = 0;
  private closed = false;
  private bound: readonly BoundEndpoint[] = [];

  private readonly self = new SelfDetector();
  /** v2 epoch keys of every zone: one scrypt at a time, in the background (DNS never waits). */
  private readonly keys: KeyRing;
  /** Every zone's dials to one sibling share its per-IP connection slots. */
  private readonly dialGate = new DialGate();
  /** The keys of earlier runs (state dir): a restart skips the scrypt of every zone it knows. */
  private readonly keyCache: KeyCache;
  private readonly identities = new Map<string, Identity>();
  /** Auth listeners by port: zones with the same auth_port share one (the zone hint tells v2 zones apart). */
  private readonly authPorts: AuthPorts;
  /** The zones' RFC 2782 names, rebuilt on reload (the DNS side keys its reply cache by identity). */
  private services: readonly ZoneService[];
  private readonly warm: WarmPeers;

  constructor(private config: Config, private readonly deps: DaemonDeps = {}) {
    this.log = deps.log ?? silentLogger();
    this.services = servicesOf(config.zones);
    this.keyCache = new KeyCache({ path: keyCachePath(config.stateDir), log: this.log.child({ component: 'keys' }) });
    // A ring handed in (the demo's, shared with its siblings) is its owner's to cache, start and close.
    this.keys = deps.keys ?? new KeyRing({ now: deps.now, log: this.log.child({ component: 'keys' }), cache: this.keyCache });
    this.authPorts = new AuthPorts({ now: deps.now, log: this.log.child({ component: 'auth' }) });
    this.warm = new WarmPeers({
      stateDir: config.stateDir, cache: this.cache, log: this.log.child({ component: 'state' }), now: deps.now ?? Date.now,
      onPending: (label) => this.updateStale(label), hooks: deps.stateHooks,
    });
  }

  /** Stale while discovery is down or restored peers await their first challenge. */
  private updateStale(label: string): void {
    const d = this.discoveries.get(label);
    if (d) this.cache.setStale(label, d.down || this.warm.pending(label) > 0);
  }

  get dnsEndpoints(): readonly BoundEndpoint[] { return this.bound; }
  get dhtPort(): number { return this.dht?.port ?? 0; }

  /**
   * Starts everything, each step under a deadline. close() during start makes it reject with
   * WHEREZ_CLOSED, and whatever a step finished after close began is closed too.
   */
  async start(): Promise<void> {
    try {
      await this.startDiscovery();
      this.checkOpen();
      this.dns = createDnsServer({
        listen: this.config.listen, domain: this.config.domain, lookup: this.zoneLookup, labels: () => this.cache.labels(),
        services: () => this.services, hostDomain: this.config.hostDomain,
        forward: this.config.forward, upstreams: this.config.upstreams, allow: this.config.allow,
        negativeTtl: this.config.negativeTtl, maxTtl: this.config.maxTtl, now: this.deps.now,
        log: this.log.child({ component: 'dns' }),
      });
      const dns = this.dns;
      this.bound = await this.step('dns listeners', () => dns.start());
      if (this.config.metrics) {
        const admin = new AdminServer(this.config.metrics, createMetrics(() => this.status()), () => this.status(), this.log.child({ component: 'admin' }));
        this.admin = admin;
        this.adminPort = await this.step('metrics listener', () => admin.start());
      }
      this.log.info({ listen: this.bound.map(formatEndpoint), zones: this.cache.labels() }, 'wherez serving');
    } catch (err) {
      this.closed = true;
      await this.closeAll();
      throw err;
    }
  }

  private checkOpen(): void {
    if (this.closed) throw wherezError('WHEREZ_CLOSED', 'the daemon was closed during start');
  }

  /** One start step under its deadline; WHEREZ_CLOSED when close() came meanwhile. */
  private async step<T>(what: string, run: () => Promise<T>): Promise<T> {
    this.checkOpen();
    const result = await withDeadline(run(), this.deps.startStepTimeoutMs ?? START_STEP_TIMEOUT_MS, what);
    this.checkOpen();
    return result;
  }

  /**
   * The DNS side's view of a zone, and the hook from DNS to discovery: a query for a zone without
   * peers wakes its lookups (one map lookup more per query, only for empty zones; the wake itself
   * is rate-limited in discovery, so DNS clients cannot make us flood the DHT).
   */
  private readonly zoneLookup: ZoneLookup = (label) => {
    const snap = this.cache.lookup(label);
    if (snap && snap.peers.length === 0) this.discoveries.get(label)?.wake();
    return snap;
  };

  private async startDiscovery(): Promise<void> {
    const c = this.config;
    const dht = new DhtNode({ host: c.dht.bind, port: c.dht.port, bootstrap: c.dht.bootstrap, stateDir: c.stateDir, log: this.log.child({ component: 'dht' }) });
    this.dht = dht;
    await this.step('dht start', () => dht.start());
    await this.step('peers file', () => this.warm.start());
    if (!this.deps.keys) {
      await this.step('v2 key cache', () => this.keyCache.load());
      this.keys.start();
    }
    for (const zone of c.zones) await this.startZone(zone);
  }

  private async startZone(zone: ZoneConfig): Promise<void> {
    this.checkOpen();
    const dht = this.dht as DhtNode;
    let identity: Identity | undefined;
    if (zone.protocol !== 'v1') {
      identity = await this.step(`zone ${zone.label} identity`, () => loadOrCreateIdentity(this.config.stateDir, zone.label, this.log));
      this.identities.set(zone.label, identity);
    }
    this.cache.addZone(zone.label, zone.ttl);
    const d = new Discovery({
      passphrase: zone.passphrase, appPort: zone.announce, authPort: zone.authPort, authPorts: this.authPorts, label: zone.label, dht,
      minPeers: zone.minPeers, host: this.config.dht.bind, self: this.self, now: this.deps.now,
      timing: { reverifyMs: reverifyMsFor(zone), ...this.deps.timing },
      log: this.log.child({ component: 'discovery', zone: zone.label }),
      protocol: zone.protocol, dialGate: this.dialGate,
      v2: identity && {
        keys: this.keys, zone: zone.label, identity, externalAddresses: zone.externalAddresses,
        ownIds: () => [...this.identities.values()].map((i) => i.publicKey),
      },
    });
    this.discoveries.set(zone.label, d);
    const upsert = (p: Peer, next: number | undefined) => this.cache.upsert(zone.label, p, next ?? 0);
    d.on('peer', (p) => { upsert(p, d.nextVerifyAt(p)); this.log.info({ zone: zone.label, peer: formatEndpoint(p) }, 'peer found'); this.events.emit('peer', zone.label, p); });
    d.on('refresh', (p, next) => upsert(p, next));
    d.on('health', () => this.updateStale(zone.label));
    d.on('lost', (p) => { this.cache.remove(zone.label, p); this.log.info({ zone: zone.label, peer: formatEndpoint(p) }, 'peer lost'); this.events.emit('lost', zone.label, p); });
    this.warm.attach(zone.label, d);
    await this.step(`zone ${zone.label}`, () => d.start());
    this.warm.seed(zone.label);
  }

  private async stopZone(label: string): Promise<void> {
    const d = this.discoveries.get(label);
    this.discoveries.delete(label);
    this.warm.detach(label);
    this.identities.delete(label);
    this.cache.removeZone(label);
    await d?.close();
  }

  /**
   * Applies a new, already validated config: zones added, removed or changed take effect at once
   * (the DNS side reads labels per query); settings bound into sockets are reported as needing a
   * restart and keep their old values. A zone that fails to start is logged and left out; the
   * daemon keeps serving the rest.
   */
  async reload(next: Config): Promise<ConfigDiff> {
    const diff = diffConfig(this.config, next);
    // After (or during) close a reload changes nothing: a zone started then would outlive close.
    if (this.closed) return { ...diff, added: [], removed: [], changed: [] };
    // First, so that this reload's own lines already follow the new level.
    let logLevel: string | undefined;
    if (diff.logLevel !== undefined) {
      if (this.deps.setLogLevel) {
        this.deps.setLogLevel(diff.logLevel);
        logLevel = diff.logLevel;
      } else {
        this.log.warn({ log_level: diff.logLevel }, 'log_level not applied: the log level is set outside the config (--log-level)');
      }
    }
    for (const label of [...diff.removed, ...diff.changed.map((z) => z.label)]) await this.stopZone(label);
    // Keys are kept for changed zones: the same passphrase needs no new scrypt.
    for (const label of diff.removed) this.keys.remove(label);
    for (const zone of [...diff.changed, ...diff.added]) {
      if (this.closed) break;
      try {
        await this.startZone(zone);
      } catch (err) {
        await this.stopZone(zone.label);
        if (!isWherezError(err, 'WHEREZ_CLOSED')) this.log.error({ zone: zone.label, err: (err as Error).message }, 'zone not started');
      }
    }
    if (this.closed) return diff;
    let dns = {};
    if (diff.dnsChanged.length > 0 && this.dns) {
      const d = { listen: next.listen, forward: next.forward, upstreams: next.upstreams, allow: next.allow, negativeTtl: next.negativeTtl, maxTtl: next.maxTtl };
      try {
        this.bound = await this.dns.reconfigure(d);
        dns = d;
      } catch (err) {
        // A listen address that cannot be bound: nothing of the DNS side changed.
        this.log.error({ keys: diff.dnsChanged.map(yamlKey), err: (err as Error).message }, 'dns settings not applied; still serving the previous ones');
      }
    }
    // Keep the settings that need a restart as they are; take the zones, the applied DNS settings
    // and the log level (also when not applied: it is reported once per change).
    this.config = { ...this.config, ...dns, logLevel: next.logLevel, zones: next.zones };
    this.services = servicesOf(next.zones);
    if (diff.restartNeeded.length > 0) this.log.warn({ keys: diff.restartNeeded.map(yamlKey) }, 'these settings change only after a restart');
    this.log.info({ added: diff.added.map((z) => z.label), removed: diff.removed, changed: diff.changed.map((z) => z.label), dns: Object.keys(dns).map(yamlKey), log_level: logLevel }, 'config reloaded');
    return diff;
  }

  /** What /status and /metrics report: counters, peers and health; never a passphrase. */
  status(): DaemonStatus {
    const zones: ZoneStatus[] = [];
    for (const zone of this.config.zones) {
      const d = this.discoveries.get(zone.label);
      const snap = this.cache.lookup(zone.label);
      if (!d || !snap) continue;
      zones.push({
        label: zone.label, name: `_${zone.label}._wherez.${this.config.domain}`, announce: zone.announce, authPort: d.authPort,
        stale: snap.stale, down: d.down, peers: snap.peers.map((p) => ({ host: p.host, port: p.port, expiresAt: p.expiresAt })),
        discovery: d.stats.toJSON(), auth: d.listenerStats ? { ...d.listenerStats } : undefined,
        protocol: zone.protocol,
        ...(d.v2Zone ? { v2: { infohashes: d.v2Zone.infohashes(), attested: d.v2Zone.attested, listener: { ...d.v2Zone.listenerStats } } } : {}),
      });
    }
    return {
      dns: this.dns?.stats(),
      dht: { port: this.dhtPort, nodes: this.dht?.nodeCount() ?? 0, garbageContacts: this.dht?.garbageContacts ?? 0, outOfScopeContacts: this.dht?.outOfScopeContacts ?? 0,
        queriesSent: this.dht?.queryBudget.sent ?? 0, queriesHeldBack: this.dht?.queryBudget.refused ?? 0 },
      zones,
    };
  }

  /** Idempotent; reverse order of start. A start or reload in progress stops at its next step. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeAll();
  }

  /** Closes whatever exists now; each part's close() is idempotent, so calling twice is safe. */
  private async closeAll(): Promise<void> {
    await this.admin?.close();
    await this.dns?.close();
    // The last save, while the zones still know their peers.
    await this.warm.close();
    for (const label of [...this.discoveries.keys()].reverse()) await this.stopZone(label);
    if (!this.deps.keys) this.keys.close();
    await this.keyCache.flush();
    await this.dht?.close();
  }
}
