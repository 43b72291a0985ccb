import { LRUCache } from 'lru-cache';

/** Design 4.8: a cr is remembered 10 minutes, at most 100k of them (~10 MB). */
export const REPLAY_TTL_MS = 10 * 60_000;
export const REPLAY_MAX_ENTRIES = 100_000;

/**
 * Seen msg1 randoms (cr). Replays cannot succeed anyway (fresh ya/yb fail the AEAD), but a
 * captured msg1 passes the hint pre-filter; this stops it from buying elliptic-curve work.
 */
export class ReplayCache {
  private readonly seen: LRUCache<string, true>;

  constructor(ttlMs = REPLAY_TTL_MS, max = REPLAY_MAX_ENTRIES) {
    this.seen = new LRUCache({ max, ttl: ttlMs, ttlAutopurge: false });
  }

  /** true the first time a cr is offered, false on every repeat within the TTL. */
  fresh(cr: Buffer): boolean {
    const k = cr.toString('base64');
    if (this.seen.has(k)) return false;
    this.seen.set(k, true);
    return true;
  }
}
