import type { LRUCache } from 'lru-cache';
import { growingLru } from '../net/growing-lru.js';
import { normalizeIp } from '../net/address-class.js';
import { peerKey } from '../peer.js';
import { backoffMs } from './backoff.js';
import { TokenBuckets } from '../net/token-buckets.js';

/**
 * A zone starts a relist lookup at most this often for dials, however many sources ask (a flood of
 * connections included), and at most this often for losses (a peer lost right after it dialled):
 * two budgets, so that the relist at a sibling's loss does not hold back the one at its return.
 */
export const RELIST_MIN_INTERVAL_MS = 5_000;
/** The lost endpoints of one source IP are dialled back at most this often. */
export const DIAL_BACK_MIN_INTERVAL_MS = 5_000;
/**
 * A source whose relist did not list it asks again only after this, doubling per try up to the
 * max: a discover-only sibling (it dials us, never announces) would otherwise cost a lookup at
 * each of its re-verifications. Listing the source forgets its count.
 */
export const SOURCE_RETRY_BASE_MS = 30_000;
export const SOURCE_RETRY_MAX_MS = 10 * 60_000;
/** A listed endpoint verified longer ago than this is challenged again when its IP dials us (see Discovery.recheck). */
export const RECHECK_MIN_AGE_MS = 2_000;
/** A listed peer lost within this long of a dial from its IP relists at once (it may be back on another port). */
export const RECENT_INBOUND_MS = 60_000;
/** Source IPs remembered (lost endpoints, retry counts); an evicted one starts afresh: bounded memory. */
const MAX_SOURCES = 1024;
/** Lost endpoints remembered per IP (the oldest goes first). */
const MAX_LOST_PER_IP = 16;

export interface AuthEndpoint { host: string; authPort: number }

export interface SourceRelistStats {
  /** Relist lookups started for an inbound source we do not list. */
  relists: number;
  /** Lost endpoints dialled at once because their IP connected to us. */
  dialBacks: number;
  /** Relists and dial-backs refused by the rate limits. */
  relistsHeldBack: number;
}

export interface SourceRelistOptions {
  /** Dial this endpoint (known from the DHT, verified once) now, past its backoff. */
  dialBack: (e: AuthEndpoint) => void;
  /**
   * Re-verify now the listed endpoints of `ip` not verified lately (a sibling restarted on a new
   * port while its old one was still listed); returns how many were dialled.
   */
  recheck: (ip: string) => number;
  /** Look the zone up now; `pending` says whether the source is still unlisted (follow-ups stop once it is). */
  relist: (pending: () => boolean) => void;
  stats: SourceRelistStats;
  now?: () => number;
  random?: () => number;
  jitter?: number;
}

export type InboundOutcome = 'ignored' | 'listed' | 'dial-back' | 'relist' | 'dial-back+relist' | 'waiting' | 'held-back';
type RelistOutcome = 'relist' | 'waiting' | 'held-back';

interface Source { tries: number; nextAt: number }

/**
 * Re-lists a restarted sibling within seconds. A sibling that restarts finds us at once (it looks
 * up fast while it lacks peers) and dials our auth port; we would meet its new announce only at
 * our next walk (once a minute when warm). The auth listener reports who dialled (v1: a challenge
 * answered; v2: a dialer whose msg3 verified, i.e. who knows the passphrase) and this decides:
 * - an IP with endpoints we listed once and lost: dial them back now, once (same port after a restart);
 * - an IP we list: re-verify its endpoints not verified lately (the caller decides what is
 *   lately), so an old port that is gone is lost within a second rather than at its next check;
 * - an IP we do not list (or whose last endpoint is lost soon after it dialled us): look the zone
 *   up now, so the new port is found in the DHT and verified.
 * An inbound connection proves no listening app port: nothing is listed from it. Whatever gets
 * listed is what we dial ourselves and verify, on a port announced in the DHT. Rate limits: one
 * relist per zone per RELIST_MIN_INTERVAL_MS, dial-backs per IP, and a backoff per source IP.
 * Pure apart from the injected clock.
 */
export class SourceRelist {
  private readonly listed = new Map<string, Set<string>>();
  // One SourceRelist per zone: caches that start empty (growingLru), not 3 x 1,024 slots allocated per zone.
  private readonly lost: LRUCache<string, Map<string, AuthEndpoint>> = growingLru(MAX_SOURCES);
  private readonly sources: LRUCache<string, Source> = growingLru(MAX_SOURCES);
  private readonly recent: LRUCache<string, number> = growingLru(MAX_SOURCES);
  private readonly zoneBudget: TokenBuckets;
  private readonly ipBudget: TokenBuckets;
  private readonly now: () => number;

  constructor(private readonly o: SourceRelistOptions) {
    this.now = o.now ?? Date.now;
    this.zoneBudget = new TokenBuckets({ perSecond: 1_000 / RELIST_MIN_INTERVAL_MS, burst: 1, maxKeys: 2 }, this.now);
    this.ipBudget = new TokenBuckets({ perSecond: 1_000 / DIAL_BACK_MIN_INTERVAL_MS, burst: 1, maxKeys: MAX_SOURCES }, this.now);
  }

  /** A peer of ours was verified at this endpoint. */
  noteListed(e: AuthEndpoint): void {
    const ip = normalizeIp(e.host);
    if (ip === null) return;
    const key = peerKey(e);
    let set = this.listed.get(ip);
    if (!set) { set = new Set(); this.listed.set(ip, set); }
    set.add(key);
    const lost = this.lost.get(ip);
    if (lost?.delete(key) && lost.size === 0) this.lost.delete(ip);
    this.sources.delete(ip);
  }

  /** A listed peer stopped answering: its endpoint is dialled back when its IP connects. */
  noteLost(e: AuthEndpoint): void {
    const ip = normalizeIp(e.host);
    if (ip === null) return;
    const key = peerKey(e);
    const set = this.listed.get(ip);
    if (set?.delete(key) && set.size === 0) this.listed.delete(ip);
    const lost = this.lost.get(ip) ?? new Map<string, AuthEndpoint>();
    lost.delete(key);
    lost.set(key, { host: e.host, authPort: e.authPort });
    if (lost.size > MAX_LOST_PER_IP) lost.delete(lost.keys().next().value as string);
    const dialled = this.recent.get(ip);
    if (!this.listed.has(ip) && dialled !== undefined && this.now() - dialled < RECENT_INBOUND_MS) this.tryRelist(ip, true);
    this.lost.set(ip, lost);
  }

  /** Someone connected to our auth port from `remote` (see the class comment for what counts). */
  onInbound(remote: string): InboundOutcome {
    const ip = normalizeIp(remote);
    if (ip === null) return 'ignored';
    this.recent.set(ip, this.now());
    const dialed = this.dialBack(ip);
    if (this.listed.has(ip)) return dialed ?? 'listed';
    const r = this.tryRelist(ip);
    if (r === 'relist') return dialed === 'dial-back' ? 'dial-back+relist' : 'relist';
    return dialed ?? r;
  }

  /**
   * `afterLoss`: the source's last endpoint was just lost. The peer may be back on another port, or
   * simply gone: such a relist neither waits for nor advances the source's backoff, or a sibling
   * that is down now would find its relist backed off when it comes back.
   */
  private tryRelist(ip: string, afterLoss = false): RelistOutcome {
    const s = this.sources.get(ip);
    if (!afterLoss && s && this.now() < s.nextAt) return 'waiting';
    if (!this.zoneBudget.take(afterLoss ? 'loss' : 'dial')) { this.o.stats.relistsHeldBack++; return 'held-back'; }
    const tries = (s?.tries ?? 0) + (afterLoss ? 0 : 1);
    const nextAt = afterLoss ? (s?.nextAt ?? 0) : this.now() + backoffMs(tries, SOURCE_RETRY_BASE_MS, SOURCE_RETRY_MAX_MS, this.o.jitter ?? 0.2, this.o.random);
    const source: Source = { tries, nextAt };
    this.sources.set(ip, source);
    this.o.stats.relists++;
    // Done once the source is listed (which forgets `source`), even if it is lost again later.
    this.o.relist(() => this.sources.get(ip) === source);
    return 'relist';
  }

  /** Lost endpoints of `ip` dialled back, listed ones rechecked; undefined: none dialled and none held back. */
  private dialBack(ip: string): 'dial-back' | 'held-back' | undefined {
    const lost = this.lost.get(ip);
    if (!lost && !this.listed.has(ip)) return undefined;
    if (!this.ipBudget.take(ip)) {
      // A listed sibling dials us at each of its re-verifications: that is no news worth counting.
      if (!lost) return undefined;
      this.o.stats.relistsHeldBack++;
      return 'held-back';
    }
    let n = this.listed.has(ip) ? this.o.recheck(ip) : 0;
    // Once per loss: a port that stays dead is left to the caller's own backoff, not dialled at
    // every visit of its IP (a node restarted often would leave one per restart).
    this.lost.delete(ip);
    for (const e of lost?.values() ?? []) { n++; this.o.dialBack(e); }
    this.o.stats.dialBacks += n;
    return n > 0 ? 'dial-back' : undefined;
  }
}
