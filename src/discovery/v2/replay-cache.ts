/** Design 4.8: a cr is remembered 10 minutes, at most 100k of them (~10 MB). */
export const REPLAY_TTL_MS = 10 * 60_000;
export const REPLAY_MAX_ENTRIES = 100_000;

/**
 * Seen msg1 randoms (cr). Replays cannot succeed anyway (fresh ya/yb fail the AEAD), but a
 * captured msg1 passes the hint pre-filter; this stops it from buying elliptic-curve work.
 *
 * A Map in insertion order: every entry lives the same TTL, so the oldest entry is also the first
 * to expire and the first to go when full. Memory grows with use only: lru-cache allocates its
 * whole capacity up front (~4 MB for 100k entries with TTLs), and every auth port has a cache, so
 * a daemon with 100 zones on their own ports held 400 MB of empty replay caches.
 */
export class ReplayCache {
  /** key -> when it expires */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = REPLAY_TTL_MS,
    private readonly max = REPLAY_MAX_ENTRIES,
    /** Monotonic: a wall-clock jump must not expire or pin entries. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Entries held (expired ones go at the next fresh()). */
  get size(): number {
    return this.seen.size;
  }

  /** true the first time a cr is offered, false on every repeat within the TTL. */
  fresh(cr: Buffer): boolean {
    const t = this.now();
    for (const [k, expires] of this.seen) {
      if (expires > t) break;
      this.seen.delete(k);
    }
    const k = cr.toString('base64');
    if (this.seen.has(k)) return false;
    this.seen.set(k, t + this.ttlMs);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
