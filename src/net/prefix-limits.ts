import type { LRUCache } from 'lru-cache';
import { growingLru } from './growing-lru.js';
import { normalizeIp, sourcePrefix } from './address-class.js';
import { TokenBuckets } from './token-buckets.js';

/** Design 4.8 limits per source network (/24 IPv4, /56 IPv6) of a v2 listener. */
export interface PrefixLimitsOptions {
  /** Handshakes (msg1) a network may start per minute, sustained (token bucket). */
  handshakesPerMinute: number;
  /** Handshakes a quiet network may start at once (bucket size). */
  handshakeBurst: number;
  /** Failed handshakes (no valid msg3) within `failureWindowMs` that start a ban. */
  banAfterFailures: number;
  failureWindowMs: number;
  /** First ban; each further ban doubles it, up to `maxBanMs`. */
  banMs: number;
  maxBanMs: number;
  /** A network quiet this long after its last ban ended starts again at `banMs`. */
  forgetBansAfterMs: number;
  /**
   * A source address that completed a handshake (valid msg3) is a member: for this long after its
   * last one it is exempt from the bucket and the ban, and its failures are not counted. Longer
   * than any re-verification period, so members that re-verify us stay proven.
   */
  provenMs: number;
  /** Networks remembered, per table (buckets; failures and bans; proven addresses): bounded memory, LRU. */
  maxPrefixes: number;
}

export const DEFAULT_PREFIX_LIMITS: Readonly<PrefixLimitsOptions> = Object.freeze({
  handshakesPerMinute: 30,
  handshakeBurst: 30,
  banAfterFailures: 10,
  failureWindowMs: 10 * 60_000,
  banMs: 10 * 60_000,
  maxBanMs: 24 * 60 * 60_000,
  forgetBansAfterMs: 24 * 60 * 60_000,
  provenMs: 60 * 60_000,
  maxPrefixes: 65_536,
});

/** A ban that a failure just started. */
export interface PrefixBan {
  prefix: string;
  ms: number;
  /** 1 for the first ban of this network, 2 for the next (twice as long), ... */
  strike: number;
}

interface PrefixRecord {
  /** Times of the last failures (at most banAfterFailures), oldest first. */
  failures: number[];
  bannedUntil: number;
  strikes: number;
}

/** The network a source counts in: its /24 or /56, or the text itself when it is no IP. */
export function prefixOf(remote: string): string {
  return sourcePrefix(remote) ?? normalizeIp(remote) ?? remote;
}

/**
 * Limits per source network of a v2 listener (design 4.8), pure apart from `now` (ms): a token
 * bucket of handshakes per network, and a ban (accept-and-close) for a network whose handshakes
 * keep failing: `banAfterFailures` within `failureWindowMs` ban it for `banMs`, doubling with
 * each further ban up to `maxBanMs`. Failures during a ban are not counted (the listener closes
 * at accept, no handshake runs). Both tables are LRUs of `maxPrefixes`: a flood from more
 * networks than that pushes out the least recently seen, so memory stays bounded and a network
 * pushed out starts afresh. Exempt are the addresses that completed a handshake in the last
 * `provenMs` (members: only a passphrase holder can); honest clients not yet proven share their
 * network's bucket and ban with an attacker in it (the listener also exempts its own address).
 */
export class PrefixLimits {
  readonly limits: Readonly<PrefixLimitsOptions>;
  private readonly buckets: TokenBuckets;
  private readonly records: LRUCache<string, PrefixRecord>;
  /** Source address -> time of its last completed handshake. */
  private readonly members: LRUCache<string, number>;

  constructor(options: Partial<PrefixLimitsOptions> = {}, private readonly now: () => number = () => performance.now()) {
    this.limits = { ...DEFAULT_PREFIX_LIMITS, ...options };
    this.buckets = new TokenBuckets({
      perSecond: this.limits.handshakesPerMinute / 60, burst: this.limits.handshakeBurst, maxKeys: this.limits.maxPrefixes,
    }, now);
    this.records = growingLru(this.limits.maxPrefixes);
    this.members = growingLru(this.limits.maxPrefixes);
  }

  /** `remote` completed a handshake: a member for `provenMs` from now. */
  proven(remote: string): void {
    this.members.set(normalizeIp(remote) ?? remote, this.now());
  }

  /**
   * Whether `remote` completed a handshake within `provenMs`: exempt from the limits. Without it,
   * a daemon sharing many zones with a peer on one port would spend its network's 30 handshakes
   * a minute on re-verifications alone (two a minute per zone at the default TTL).
   */
  isProven(remote: string): boolean {
    const at = this.members.get(normalizeIp(remote) ?? remote);
    return at !== undefined && this.now() - at < this.limits.provenMs;
  }

  /** Whether connections from `remote`'s network are closed at accept now. */
  isBanned(remote: string): boolean {
    const r = this.records.get(prefixOf(remote));
    return r !== undefined && this.now() < r.bannedUntil;
  }

  /** true (and one token spent) when `remote`'s network may start a handshake now. */
  takeHandshake(remote: string): boolean {
    return this.buckets.take(prefixOf(remote));
  }

  /** A handshake from `remote` ended without a valid msg3; returns the ban this started, if any. */
  failure(remote: string): PrefixBan | null {
    const prefix = prefixOf(remote);
    const t = this.now();
    const l = this.limits;
    const r = this.records.get(prefix) ?? { failures: [], bannedUntil: -Infinity, strikes: 0 };
    this.records.set(prefix, r);
    if (t < r.bannedUntil) return null;
    r.failures.push(t);
    while (r.failures.length > 0 && (r.failures.length > l.banAfterFailures || t - (r.failures[0] ?? t) >= l.failureWindowMs)) r.failures.shift();
    if (r.failures.length < l.banAfterFailures) return null;
    if (r.strikes > 0 && t - r.bannedUntil >= l.forgetBansAfterMs) r.strikes = 0;
    r.strikes++;
    const ms = Math.min(l.maxBanMs, l.banMs * 2 ** Math.min(30, r.strikes - 1));
    r.bannedUntil = t + ms;
    r.failures = [];
    return { prefix, ms, strike: r.strikes };
  }

  /** Networks remembered now (buckets, records): the bound holds. */
  get size(): { buckets: number; records: number; members: number } {
    return { buckets: this.buckets.size, records: this.records.size, members: this.members.size };
  }
}
