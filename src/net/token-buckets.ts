import type { LRUCache } from 'lru-cache';
import { growingLru } from './growing-lru.js';

export interface TokenBucketLimits {
  /** Tokens added per second, up to `burst`. */
  perSecond: number;
  /** Bucket size: what a key may spend at once after a quiet spell. */
  burst: number;
  /** Keys remembered; the least recently used is forgotten (it starts again with a full bucket). */
  maxKeys: number;
}

interface Bucket { tokens: number; at: number }

/**
 * One token bucket per key (a DHT destination, a source network), LRU-bounded. Pure apart from
 * `now` (milliseconds). A bucket evicted or never seen is full, so bounded memory costs at most
 * one extra burst per key pushed out.
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(private readonly limits: TokenBucketLimits, private readonly now: () => number = Date.now) {
    this.buckets = growingLru(limits.maxKeys);
  }

  /** true (and one token spent) when `key` has a token now. */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limits.burst, at: t };
    b.tokens = Math.min(this.limits.burst, b.tokens + (Math.max(0, t - b.at) / 1000) * this.limits.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Keys remembered now (tests: the bound holds). */
  get size(): number {
    return this.buckets.size;
  }
}
