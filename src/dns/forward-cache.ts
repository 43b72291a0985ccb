/**
 * Upstream answers kept for reuse: positive answers up to their smallest TTL, NXDOMAIN and NODATA
 * up to min(SOA TTL, SOA MINIMUM) (RFC 2308 5), both capped by maxTtl. Served copies carry the
 * client's id and question case and TTLs reduced by the time spent in the cache, as a resolver's
 * cache would.
 */
import { LRUCache } from 'lru-cache';
import { FLAG, RCODE, TYPE } from './dns-codes.js';
import type { Query } from './query.js';
import { walkRecords } from './wire-read.js';
import { patchReply } from './wire-cache.js';

export const FORWARD_CACHE_ENTRIES = 10_000;

interface Entry {
  bytes: Buffer;
  storedAt: number;
  expiresAt: number;
  /** TTL fields of every non-OPT record, rewritten on each hit. */
  ttlOffsets: number[];
}

/** The cache key: what makes two questions share an answer (DO and CD change what upstream sends). */
export function forwardKey(q: Query): string {
  const edns = q.edns ? (q.edns.do ? 'do' : 'e') : '-';
  return `${q.name}|${q.qtype}|${q.qclass}|${edns}|${q.flags & FLAG.CD ? 'cd' : ''}`;
}

/** Seconds this reply may be reused, and where its TTLs are; null when it must not be cached. */
export function cacheability(reply: Buffer, questionEnd: number): { ttl: number; ttlOffsets: number[] } | null {
  const flags = reply.readUInt16BE(2);
  const rcode = flags & 0xf;
  if (flags & FLAG.TC || (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN)) return null;
  const rrs = walkRecords(reply, questionEnd);
  if (!rrs) return null;
  const records = rrs.filter((r) => r.type !== TYPE.OPT);
  const answers = records.filter((r) => r.section === 0);
  let ttl: number;
  if (rcode === RCODE.NOERROR && answers.length > 0) {
    ttl = Math.min(...records.map((r) => r.ttl));
  } else {
    const soa = records.find((r) => r.section === 1 && r.type === TYPE.SOA && r.rdataEnd - r.rdataStart >= 22);
    if (!soa) return null; // RFC 2308 5: no SOA, no negative caching
    ttl = Math.min(soa.ttl, reply.readUInt32BE(soa.rdataEnd - 4));
  }
  return ttl > 0 ? { ttl, ttlOffsets: records.map((r) => r.ttlOffset) } : null;
}

export class ForwardCache {
  private readonly lru: LRUCache<string, Entry>;

  constructor(private readonly now: () => number, private readonly maxTtl: number, max = FORWARD_CACHE_ENTRIES) {
    this.lru = new LRUCache({ max });
  }

  get(key: string, raw: Buffer, q: Query): Buffer | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expiresAt || now < e.storedAt) {
      this.lru.delete(key);
      return undefined;
    }
    const out = patchReply(e.bytes, raw, q);
    const aged = Math.floor((now - e.storedAt) / 1000);
    // Capped again here (the forwarder already caps), so no path serves a TTL above max_ttl.
    for (const off of e.ttlOffsets) out.writeUInt32BE(Math.max(0, Math.min(out.readUInt32BE(off), this.maxTtl) - aged), off);
    return out;
  }

  /** Stores `reply` if cacheable; `questionEnd` is the query's (the reply's question matched it). */
  put(key: string, reply: Buffer, questionEnd: number): void {
    const c = cacheability(reply, questionEnd);
    const ttl = c && Math.min(c.ttl, this.maxTtl);
    if (!c || !ttl) return;
    const now = this.now();
    this.lru.set(key, { bytes: Buffer.from(reply), storedAt: now, expiresAt: now + ttl * 1000, ttlOffsets: c.ttlOffsets });
  }
}
