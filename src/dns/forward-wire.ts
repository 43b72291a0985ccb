/**
 * The two messages a forwarder writes itself, because EDNS is hop-by-hop (RFC 6891 6.2.1): the
 * query we send upstream carries our own OPT (our size, the client's DO bit, no client options:
 * a client's COOKIE belongs to the client and us), and the reply a client gets carries our OPT,
 * never the upstream's (its cookie, its size). The cleaned reply is what the cache and shared
 * in-flight exchanges hold, so nothing of one client or of the upstream's hop reaches another.
 * Pure: bytes in, bytes or null out.
 */
import { EDNS_UDP_LIMIT_BYTES, FLAG, HEADER_BYTES, TYPE } from './dns-codes.js';
import type { Edns, Query } from './query.js';
import { walkRecords } from './wire-read.js';

/** Root name (1) + type, class, TTL, rdlength (10), no options. */
const OPT_BYTES = 11;
const DO_BIT = 0x8000;

function writeOpt(buf: Buffer, at: number, dnssecOk: boolean): void {
  buf[at] = 0;
  buf.writeUInt16BE(TYPE.OPT, at + 1);
  buf.writeUInt16BE(EDNS_UDP_LIMIT_BYTES, at + 3);
  buf.writeUInt32BE(dnssecOk ? DO_BIT : 0, at + 5); // extended rcode 0, version 0
  buf.writeUInt16BE(0, at + 9);
}

/**
 * The query sent upstream: `id`, RD set (we ask for recursion whatever the client asked), the
 * client's CD, the client's question bytes, and an OPT of ours when the client used EDNS (so the
 * upstream's answer fits what the client can take, and DO is kept).
 */
export function upstreamQuery(raw: Buffer, q: Query, id: number): Buffer {
  const out = Buffer.alloc(q.questionEnd + (q.edns ? OPT_BYTES : 0));
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(FLAG.RD | (q.flags & FLAG.CD), 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(q.edns ? 1 : 0, 10);
  raw.copy(out, HEADER_BYTES, HEADER_BYTES, q.questionEnd);
  if (q.edns) writeOpt(out, q.questionEnd, q.edns.do);
  return out;
}

/**
 * The upstream's reply made ours: the additional section is cut at the upstream's OPT (records
 * after it are optional data, and removing bytes in the middle would break compression pointers),
 * every TTL capped at `maxTtl`, and our OPT appended when the client used EDNS. Null when the
 * reply is malformed or carries an extended rcode (BADVERS, BADCOOKIE: about our hop, not an
 * answer): the caller tries another upstream.
 */
export function clientReply(reply: Buffer, questionEnd: number, edns: Edns | null, maxTtl: number): Buffer | null {
  const rrs = walkRecords(reply, questionEnd);
  if (!rrs) return null;
  const optAt = rrs.findIndex((r) => r.type === TYPE.OPT);
  const opt = rrs[optAt];
  if (opt && (opt.section !== 2 || (opt.ttl >>> 24) !== 0)) return null;
  const kept = opt ? rrs.slice(0, optAt) : rrs;
  const end = opt ? opt.nameStart : (rrs.at(-1)?.rdataEnd ?? questionEnd);
  const out = Buffer.alloc(end + (edns ? OPT_BYTES : 0));
  reply.copy(out, 0, 0, end);
  for (const r of kept) out.writeUInt32BE(Math.min(r.ttl, maxTtl), r.ttlOffset);
  const additional = kept.filter((r) => r.section === 2).length;
  out.writeUInt16BE(additional + (edns ? 1 : 0), 10);
  if (edns) writeOpt(out, end, edns.do);
  return out;
}
