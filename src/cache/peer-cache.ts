import type { LRUCache } from 'lru-cache';
import { growingLru } from '../net/growing-lru.js';
import type { ZonePeer, ZoneSnapshot } from '../dns/zone-view.js';
import { peerKey, type Peer } from '../peer.js';

/** Peers kept per zone; a zone past this drops its least recently verified peers. */
export const MAX_PEERS_PER_ZONE = 512;

interface ZoneEntry {
  label: string;
  ttl: number;
  peers: LRUCache<string, ZonePeer>;
  stale: boolean;
  version: number;
  snapshot: ZoneSnapshot | undefined;
}

/**
 * Verified peers per zone, as the DNS side reads them. Discovery writes (upsert on every
 * verification, remove on loss); DNS reads immutable snapshots rebuilt only after a change,
 * so the query path never copies peer lists.
 */
export class PeerCache {
  private readonly zones = new Map<string, ZoneEntry>();
  /**
   * One counter for all zones, never reset: a zone removed and added again must not repeat a
   * version, or the DNS built-reply cache (keyed by label and version) serves the old zone's reply.
   */
  private lastVersion = 0;

  constructor(private readonly maxPeersPerZone = MAX_PEERS_PER_ZONE) {}

  addZone(label: string, ttl: number): void {
    this.zones.set(label, {
      label, ttl, stale: false, version: ++this.lastVersion, snapshot: undefined,
      peers: growingLru(this.maxPeersPerZone),
    });
  }

  removeZone(label: string): void {
    this.zones.delete(label);
  }

  labels(): string[] {
    return [...this.zones.keys()];
  }

  /** Records a (re-)verified peer valid until `expiresAt` (its next re-verification). */
  upsert(label: string, peer: Peer, expiresAt: number): void {
    const z = this.zones.get(label);
    if (!z) return;
    z.peers.set(peerKey(peer), { host: peer.host, port: peer.port, expiresAt });
    this.changed(z);
  }

  remove(label: string, peer: Peer): void {
    const z = this.zones.get(label);
    if (z?.peers.delete(peerKey(peer))) this.changed(z);
  }

  /** Marks a zone's peers as last-known only (discovery down) or live again. */
  setStale(label: string, stale: boolean): void {
    const z = this.zones.get(label);
    if (z && z.stale !== stale) { z.stale = stale; this.changed(z); }
  }

  /** The DNS side's ZoneLookup. */
  readonly lookup = (label: string): ZoneSnapshot | undefined => {
    const z = this.zones.get(label);
    if (!z) return undefined;
    if (!z.snapshot) {
      // A stable order (by address, then port), whatever the verification order, so equal peer
      // sets give equal answers.
      const peers = [...z.peers.values()].sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
      z.snapshot = Object.freeze({
        label: z.label, peers: Object.freeze(peers), stale: z.stale, version: z.version,
        ttl: z.ttl, // the DNS side shortens it while stale (dns/ttl.ts)
      });
    }
    return z.snapshot;
  };

  private changed(z: ZoneEntry): void {
    z.version = ++this.lastVersion;
    z.snapshot = undefined;
  }
}
