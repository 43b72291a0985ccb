/**
 * Every reply is written here: zone answers, error replies, and the fitting of forwarded answers
 * into the client's size limit. Truncation never leaves a partial RRset in the answer or authority
 * section: either they fit whole or the reply is header + question (+ OPT) with TC set, and the
 * client retries over TCP (RFC 2181 9, RFC 7766). Additional data is cut RRset by RRset without
 * TC, as it is optional.
 */
import { EDNS_UDP_LIMIT_BYTES, FLAG, OPCODE_MASK, TCP_LIMIT_BYTES, UDP_PLAIN_LIMIT_BYTES } from './dns-codes.js';
import type { Edns, Query, QueryError } from './query.js';
import type { AnswerSet } from './records.js';
import { WireWriter } from './wire-write.js';

/** Root name (1) + type, class, TTL, rdlength (10) with no options. */
const OPT_BYTES = 11;

export type Transport = 'udp' | 'tcp';

/** RFC 6891 6.2.5: the smaller of the client's size and ours; 512 without EDNS. */
export function replyLimit(edns: Edns | null, transport: Transport): number {
  if (transport === 'tcp') return TCP_LIMIT_BYTES;
  return edns ? Math.max(UDP_PLAIN_LIMIT_BYTES, Math.min(edns.udpSize, EDNS_UDP_LIMIT_BYTES)) : UDP_PLAIN_LIMIT_BYTES;
}

/** Flags every reply shares: QR, the query's opcode, RD and CD echoed, RA when we recurse. */
function baseFlags(queryFlags: number, ra: boolean, rcode: number): number {
  return FLAG.QR | (queryFlags & (OPCODE_MASK | FLAG.RD | FLAG.CD)) | (ra ? FLAG.RA : 0) | (rcode & 0xf);
}

function finishWithOpt(w: WireWriter, edns: Edns | null, rcode: number, qd: number, an: number, ns: number, ar: number): Buffer {
  if (edns) w.opt(EDNS_UDP_LIMIT_BYTES, rcode, edns.do);
  w.counts(qd, an, ns, ar + (edns ? 1 : 0));
  return w.finish();
}

/** FORMERR, NOTIMP, REFUSED, SERVFAIL, BADVERS: header, the question when it was readable, OPT. */
export function errorReply(raw: Buffer, q: Query | QueryError, rcode: number, ra: boolean): Buffer {
  const w = new WireWriter();
  w.header(q.id, baseFlags(q.flags, ra, rcode));
  if (q.questionEnd > 0) w.bytes(raw, 12, q.questionEnd);
  return finishWithOpt(w, q.edns, rcode, q.questionEnd > 0 ? 1 : 0, 0, 0, 0);
}

export function zoneReply(raw: Buffer, q: Query, set: AnswerSet, limit: number, ra: boolean): Buffer {
  const w = new WireWriter();
  const flags = baseFlags(q.flags, ra, set.rcode) | FLAG.AA;
  w.header(q.id, flags);
  w.question(raw, q.questionEnd, q.labels);
  const budget = limit - (q.edns ? OPT_BYTES : 0);
  const afterQuestion = w.mark();
  let fits = true;
  for (const rr of [...set.answers, ...set.authorities]) {
    w.rr(rr);
    if (w.pos > budget) {
      fits = false;
      break;
    }
  }
  if (!fits) {
    w.rollback(afterQuestion);
    w.flags(flags | FLAG.TC);
    return finishWithOpt(w, q.edns, set.rcode, 1, 0, 0, 0);
  }
  let ar = 0;
  for (const rrset of set.additionals) {
    const before = w.mark();
    for (const rr of rrset) w.rr(rr);
    if (w.pos > budget) {
      w.rollback(before);
      break;
    }
    ar += rrset.length;
  }
  return finishWithOpt(w, q.edns, set.rcode, 1, set.answers.length, set.authorities.length, ar);
}

/** A forwarded answer as is when it fits, else a TC reply carrying the upstream's flags and rcode. */
export function fitForwarded(reply: Buffer, raw: Buffer, q: Query, limit: number): Buffer {
  if (reply.length <= limit) return reply;
  const w = new WireWriter();
  const upstreamFlags = reply.readUInt16BE(2);
  w.header(q.id, upstreamFlags | FLAG.TC);
  w.bytes(raw, 12, q.questionEnd);
  return finishWithOpt(w, q.edns, upstreamFlags & 0xf, 1, 0, 0, 0);
}

