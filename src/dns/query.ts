/**
 * Guarded decoding of an incoming query into a typed result. Nothing here throws: short packets and
 * responses are dropped (answering a response invites reflection loops between two servers),
 * everything else malformed becomes an error the responder turns into a reply.
 */
import { FLAG, HEADER_BYTES, OPCODE_MASK, RCODE, TYPE } from './dns-codes.js';
import { readQname, walkRecords } from './wire-read.js';

/** Smallest possible question: root name (1) + type (2) + class (2). */
const MIN_QUESTION_BYTES = 5;
/** Smallest possible record: root name (1) + type, class, TTL, rdlength (10). */
const MIN_RECORD_BYTES = 11;

export interface Edns {
  /** Requestor's UDP payload size; values below 512 mean 512 (RFC 6891 6.2.5). */
  udpSize: number;
  version: number;
  /** DNSSEC OK bit: echoed, and part of the forward-cache key. */
  do: boolean;
}

export interface Query {
  kind: 'query';
  id: number;
  /** The query's flag word, for echoing RD and CD. */
  flags: number;
  /** Lower-case labels, escaped (see labelText); the question's case lives only in the bytes. */
  labels: string[];
  /** labels joined by '.', '' for the root. */
  name: string;
  qtype: number;
  qclass: number;
  /** Offset past the question: bytes [12, questionEnd) are echoed verbatim in replies. */
  questionEnd: number;
  edns: Edns | null;
}

export interface QueryError {
  kind: 'error';
  id: number;
  flags: number;
  rcode: number;
  /** 0 when the question could not be read and is not echoed. */
  questionEnd: number;
  edns: Edns | null;
}

export interface QueryDrop {
  kind: 'drop';
  reason: 'short' | 'response';
}

export type ParsedQuery = Query | QueryError | QueryDrop;

export function parseQuery(buf: Buffer): ParsedQuery {
  if (buf.length < HEADER_BYTES) return { kind: 'drop', reason: 'short' };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & FLAG.QR) return { kind: 'drop', reason: 'response' };
  const fail = (rcode: number, questionEnd = 0, edns: Edns | null = null): QueryError =>
    ({ kind: 'error', id, flags, rcode, questionEnd, edns });
  if (flags & OPCODE_MASK) return fail(RCODE.NOTIMP);

  const qd = buf.readUInt16BE(4);
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  // Rejects impossible counts in O(1) before any parsing work is spent on them.
  if (HEADER_BYTES + qd * MIN_QUESTION_BYTES + records * MIN_RECORD_BYTES > buf.length) return fail(RCODE.FORMERR);
  if (qd !== 1) return fail(RCODE.FORMERR);

  const qname = readQname(buf, HEADER_BYTES);
  if (!qname || qname.end + 4 > buf.length) return fail(RCODE.FORMERR);
  const questionEnd = qname.end + 4;
  const qtype = buf.readUInt16BE(qname.end);
  const qclass = buf.readUInt16BE(qname.end + 2);

  const rrs = walkRecords(buf, questionEnd);
  if (!rrs) return fail(RCODE.FORMERR, questionEnd);
  let edns: Edns | null = null;
  for (const rr of rrs) {
    if (rr.type !== TYPE.OPT || rr.section !== 2) continue;
    // RFC 6891 6.1.1: one OPT, owned by the root.
    if (edns || buf[rr.nameStart] !== 0 || rr.ttlOffset !== rr.nameStart + 5) return fail(RCODE.FORMERR, questionEnd);
    edns = { udpSize: Math.max(512, rr.klass), version: (rr.ttl >>> 16) & 0xff, do: (rr.ttl & 0x8000) !== 0 };
  }
  if (edns && edns.version !== 0) return fail(RCODE.BADVERS, questionEnd, edns);

  return { kind: 'query', id, flags, labels: qname.labels, name: qname.labels.join('.'), qtype, qclass, questionEnd, edns };
}
