/**
 * Built zone replies, reused for up to ZONE_REPLY_CACHE_MS. The key carries everything the bytes
 * depend on except what `patchReply` rewrites (id, RD/CD, the question's letter case), so a hit
 * is a copy and three small writes instead of a rebuild. The short lifetime keeps TTLs honest:
 * a reused reply overstates them by under a second.
 */
import { LRUCache } from 'lru-cache';
import { FLAG } from './dns-codes.js';
import type { Query } from './query.js';

export const ZONE_REPLY_CACHE_MS = 1000;
export const ZONE_REPLY_CACHE_ENTRIES = 4096;

/**
 * A copy of `cached` answering `q`: the client's id, RD and CD bits, and question bytes (same
 * name up to case, so the same length and offsets; compressed owner names pointing into the
 * question then echo the client's case too).
 */
export function patchReply(cached: Buffer, raw: Buffer, q: Query): Buffer {
  const out = Buffer.from(cached);
  out.writeUInt16BE(q.id, 0);
  const keep = ~(FLAG.RD | FLAG.CD) & 0xffff;
  out.writeUInt16BE((out.readUInt16BE(2) & keep) | (q.flags & (FLAG.RD | FLAG.CD)), 2);
  raw.copy(out, 12, 12, q.questionEnd);
  return out;
}

/** Everything a zone reply's bytes depend on besides the patched fields and the zone state. */
export function zoneReplyKey(q: Query, limit: number, state: string): string {
  const edns = q.edns ? (q.edns.do ? 'do' : 'e') : '-';
  return `${q.name}|${q.qtype}|${q.qclass}|${limit}|${edns}|${state}`;
}

interface Entry { bytes: Buffer; builtAt: number }

export class ZoneReplyCache {
  private readonly lru: LRUCache<string, Entry>;

  constructor(private readonly now: () => number, max = ZONE_REPLY_CACHE_ENTRIES) {
    this.lru = new LRUCache({ max });
  }

  get(key: string, raw: Buffer, q: Query): Buffer | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    const age = this.now() - e.builtAt;
    if (age < 0 || age >= ZONE_REPLY_CACHE_MS) {
      this.lru.delete(key);
      return undefined;
    }
    return patchReply(e.bytes, raw, q);
  }

  set(key: string, bytes: Buffer): void {
    this.lru.set(key, { bytes, builtAt: this.now() });
  }
}
