import { growingLru } from '../../net/growing-lru.js';
import { wherezError } from '../../errors.js';
import type { ProbeResult } from '../prober.js';
import { isWildcard } from '../../net/endpoint.js';
import { attestedAddresses } from './attested.js';
import { EpochChannels, type EpochChannelsOptions } from './epoch-channels.js';
import { epochWindow } from './epoch-window.js';
import { KeyRing } from './key-ring.js';
import { passwordBytes } from './keys.js';
import { newV2ListenerStats, type V2ListenerContext, type V2ListenerStats } from './listener-session.js';
import { probeV2 } from './prober-v2.js';
import { newIdentity, type Identity } from './session.js';
import { formatEndpoint } from '../../net/endpoint.js';

/** Endpoints remembered as "seen on v2" (no downgrade), per zone. */
export const V2_SEEN_MAX = 4096;

/** What a library user or the daemon may supply; everything has a default. */
export interface V2ZoneOptions {
  /** A shared key ring (the daemon's, one scrypt at a time for all zones); default: one of our own. */
  keys?: KeyRing;
  /** This zone's name in the ring. */
  zone?: string;
  /** Per-zone Ed25519 identity; default: a fresh one per process. */
  identity?: Identity;
  /** Every identity key of this node: a listener using one of them is ourselves. */
  ownIds?: () => readonly Buffer[];
  /** Extra addresses the listener attests (NAT with port forwarding). */
  externalAddresses?: readonly string[];
}

/** The zone's discovery context: the schedule fields of EpochChannelsOptions, plus the listener side. */
export type V2ZoneContext = Omit<EpochChannelsOptions, 'ring' | 'zone' | 'onContact'> & {
  passphrase: Buffer;
  host: string;
  abort: AbortSignal;
  onContact: (host: string, port: number) => void;
};

/**
 * The v2 half of one zone's discovery: its epoch keys (shared ring or its own), the per-epoch DHT
 * rendezvous, the dialer (probe) and what the listener needs. Discovery owns the candidate and
 * peer bookkeeping for both protocols.
 */
export class V2Zone {
  readonly identity: Identity;
  readonly listenerStats: V2ListenerStats = newV2ListenerStats();
  readonly ring: KeyRing;
  readonly zone: string;
  readonly attested: readonly string[];
  private readonly ownRing: boolean;
  private readonly channels: EpochChannels;
  private readonly seen = growingLru<string, number>(V2_SEEN_MAX);

  constructor(private readonly o: V2ZoneOptions, private readonly c: V2ZoneContext) {
    const prs = passwordBytes(c.passphrase);
    if (!prs) throw wherezError('WHEREZ_ARGUMENT', 'a v2 passphrase must be 1..1024 bytes of UTF-8 after NFC normalization');
    this.zone = o.zone ?? 'zone';
    this.ownRing = o.keys === undefined;
    this.ring = o.keys ?? new KeyRing({ now: c.now, log: c.log });
    this.ring.add(this.zone, prs);
    this.identity = o.identity ?? newIdentity();
    this.attested = attestedAddresses(c.host, o.externalAddresses ?? []);
    this.channels = new EpochChannels({
      ring: this.ring, zone: this.zone, dht: c.dht, timing: c.timing, random: c.random, now: c.now, log: c.log,
      stats: c.stats, announcePort: c.announcePort, wantMore: c.wantMore, onHealth: c.onHealth,
      onContact: (host, port, epoch) => { this.seen.set(`${host}:${port}`, epoch); c.onContact(host, port); },
    });
  }

  start(): void {
    if (this.ownRing) this.ring.start();
    this.channels.start();
    if (this.c.announcePort && this.attested.length === 0) {
      this.c.log.warn({ bind: this.c.host }, 'v2: this listener attests no address, so no member will list it (set external_addresses)');
    }
  }

  get down(): boolean {
    return this.channels.down;
  }

  infohashes(): ReturnType<EpochChannels['infohashes']> {
    return this.channels.infohashes();
  }

  speedUp(): void {
    this.channels.speedUp();
  }

  wake(): void {
    this.channels.wake();
  }

  relist(pending: () => boolean): void {
    this.channels.relist(pending);
  }

  noteV2(key: string): void {
    if (!this.seen.has(key)) this.seen.set(key, epochWindow(this.c.now()).current);
  }

  isV2(key: string): boolean {
    return this.seen.has(key);
  }

  /** `onVerified`: a dialer's msg3 verified (it knows the passphrase), with its source address. */
  listenerContext(appPort: number, onVerified?: (remote: string) => void): V2ListenerContext {
    return {
      onVerified,
      candidates: () => this.ring.candidates(this.zone),
      watch: (onChange) => {
        const onKeys = (zone: string) => { if (zone === this.zone) onChange(); };
        this.ring.on('keys', onKeys).on('tick', onChange);
        return () => { this.ring.off('keys', onKeys).off('tick', onChange); };
      },
      identity: this.identity, appPort, attested: () => [...this.attested], stats: this.listenerStats, log: this.c.log,
    };
  }

  /** Dials with the current epoch's keys, or those of the epoch the contact was found under. */
  async probe(host: string, port: number): Promise<ProbeResult> {
    const current = epochWindow(this.c.now()).current;
    const seenUnder = this.seen.get(`${host}:${port}`);
    const keys = this.ring.get(this.zone, current) ?? (seenUnder === undefined ? undefined : this.ring.get(this.zone, seenUnder));
    const prs = this.ring.prs(this.zone);
    if (!keys || !prs) return { ok: false, reason: 'no-keys' };
    const r = await probeV2({
      host, port, prs, epoch: keys.epoch, hintKey: keys.hintKey, identity: this.identity,
      ownIds: this.o.ownIds?.() ?? [this.identity.publicKey],
      connectTimeoutMs: this.c.timing.connectTimeoutMs, readTimeoutMs: this.c.timing.readTimeoutMs,
      localAddress: isWildcard(this.c.host) ? undefined : this.c.host, signal: this.c.abort,
    });
    if (r.ok) return { ok: true, port: r.port };
    if (r.reason === 'unattested') {
      // Fail closed, visibly: the peer knows the passphrase but does not vouch for this address.
      this.c.log.warn({ contact: formatEndpoint({ host, port }), attested: r.listener?.attested },
        'v2: a member answered but does not attest the address we dialed (a relay, or a NAT without external_addresses); not listed');
    }
    return { ok: false, reason: r.reason };
  }

  /** Idempotent. */
  close(): void {
    this.channels.close();
    if (this.ownRing) this.ring.close();
  }
}
