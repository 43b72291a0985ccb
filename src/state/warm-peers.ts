import { join } from 'node:path';
import type { PeerCache } from '../cache/peer-cache.js';
import type { Discovery } from '../discovery/discovery.js';
import { readJsonState, writeJsonAtomic, type WriteHooks } from '../discovery/state-file.js';
import type { Logger } from '../log.js';
import { peerKey } from '../peer.js';
import { decodePeersFile, encodePeersFile, PEERS_FILE_NAME, type SavedPeer, type SavedZone } from './peers-file.js';

/** Membership changes are saved this long after the first of a burst (one write per burst). */
export const PEERS_SAVE_DELAY_MS = 1_000;
/**
 * How long a restored, not yet re-verified peer is promised: the stale TTL cap. Past it the answer
 * still lists the peer with TTL 0 until its first challenge decides.
 */
export const RESTORED_PEER_VALID_MS = 5_000;

interface Zone { label: string; infohash: string; discovery: Discovery; pending: Map<string, SavedPeer> }

export interface WarmPeersOptions {
  stateDir: string;
  cache: PeerCache;
  log: Logger;
  now: () => number;
  /** Called when a zone's set of restored-but-unconfirmed peers changes (the daemon recomputes staleness). */
  onPending: (label: string) => void;
  hooks?: WriteHooks;
}

/**
 * Warm restarts: the last verified peers per zone, saved in the state dir (atomic write, fsync,
 * rename), served at once after a restart as stale (short TTLs, `stale=1`) until each is
 * challenged again: verified, it becomes a live peer; failing, it is dropped. A missing file is a
 * cold start; a corrupt or foreign one is logged and ignored, never fatal.
 */
export class WarmPeers {
  private saved = new Map<string, SavedZone>();
  private readonly zones = new Map<string, Zone>();
  private readonly path: string;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Nothing attached, nothing to save: a start that failed early must not wipe the file. */
  private attachedAny = false;

  constructor(private readonly o: WarmPeersOptions) {
    this.path = join(o.stateDir, PEERS_FILE_NAME);
  }

  /** Reads the file once, before any zone starts. */
  async start(): Promise<void> {
    const r = await readJsonState(this.path);
    if (!r.ok) {
      if (r.why !== 'missing') this.o.log.warn({ file: this.path, why: r.why }, 'peers file ignored; starting without known peers');
      return;
    }
    const d = decodePeersFile(r.value);
    if (!d.ok) {
      this.o.log.warn({ file: this.path, why: d.why }, 'peers file ignored; starting without known peers');
      return;
    }
    this.saved = d.zones;
  }

  /**
   * Restores a zone's saved peers into the cache (when label and infohash match) and follows its
   * discovery. Call before the DNS side listens; call `seed` once the discovery has started.
   */
  attach(label: string, discovery: Discovery): void {
    const infohash = discovery.infohash.toString('hex');
    const z: Zone = { label, infohash, discovery, pending: new Map() };
    this.zones.set(label, z);
    this.attachedAny = true;
    const saved = this.saved.get(label);
    this.saved.delete(label);
    if (saved?.infohash === infohash) {
      const until = this.o.now() + RESTORED_PEER_VALID_MS;
      for (const p of saved.peers) {
        z.pending.set(peerKey(p), p);
        this.o.cache.upsert(label, p, until);
      }
      if (z.pending.size > 0) this.o.log.info({ zone: label, peers: z.pending.size }, 'serving last known peers (stale) until checked again');
    }
    const settle = (key: string, drop: boolean) => {
      const p = z.pending.get(key);
      if (!p) return;
      z.pending.delete(key);
      if (drop) this.o.cache.remove(label, p);
      this.o.onPending(label);
    };
    discovery.on('peer', (p) => { settle(peerKey(p), false); this.schedule(); });
    discovery.on('lost', () => this.schedule());
    discovery.on('unverified', (c) => { if (z.pending.has(peerKey(c))) { settle(peerKey(c), true); this.schedule(); } });
    this.o.onPending(label);
  }

  /** Challenges the restored peers of a started zone. */
  seed(label: string): void {
    const z = this.zones.get(label);
    if (z && z.pending.size > 0) z.discovery.seed([...z.pending.values()]);
  }

  /** Restored peers of the zone not yet challenged: while any remain, the zone is served stale. */
  pending(label: string): number {
    return this.zones.get(label)?.pending.size ?? 0;
  }

  detach(label: string): void {
    this.zones.delete(label);
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.save(); }, PEERS_SAVE_DELAY_MS);
  }

  /** Saves now (serialized with any save in flight); a failure is logged, the daemon keeps serving. */
  save(): Promise<void> {
    const zones = new Map<string, SavedZone>();
    for (const z of this.zones.values()) {
      const peers: SavedPeer[] = z.discovery.peers().map(({ host, port, authPort, verifiedAt }) => ({ host, port, authPort, verifiedAt }));
      // Still unconfirmed after a restart: still the last known, keep them for the next one.
      peers.push(...z.pending.values());
      zones.set(z.label, { infohash: z.infohash, peers });
    }
    const body = encodePeersFile(zones, this.o.now());
    this.writing = this.writing.then(() => writeJsonAtomic(this.path, body, this.o.hooks)).catch((err: Error) => {
      this.o.log.warn({ err: err.message }, 'peers file not saved');
    });
    return this.writing;
  }

  /** Idempotent: a last save of what the zones know now (call before they close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.attachedAny) await this.save();
    else await this.writing;
  }
}
