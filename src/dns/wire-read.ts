/**
 * Total readers for untrusted DNS bytes: every function returns null or -1 on malformed input and
 * never throws, so a hostile packet cannot escape a socket handler. Names in records are skipped,
 * never followed, so compression-pointer loops cost nothing.
 */
import { HEADER_BYTES } from './dns-codes.js';

/** Wire limit of a name, root byte included (RFC 1035 3.1). */
export const MAX_NAME_WIRE_BYTES = 255;

/** Label bytes that need no escaping in the presentation form (printable ASCII minus `.` and `\`). */
const PLAIN_LABEL = /^[\x21-\x2d\x2f-\x5b\x5d-\x7e]*$/;

/**
 * A label as lower-case text. ASCII letters are folded (DNS is case-insensitive only for ASCII,
 * RFC 4343); other bytes, dots and backslashes are written as \DDD so distinct labels stay distinct
 * and can never equal a name we build.
 */
export function labelText(buf: Buffer, start: number, end: number): string {
  const raw = buf.toString('latin1', start, end);
  if (PLAIN_LABEL.test(raw)) return raw.toLowerCase();
  let out = '';
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b >= 0x41 && b <= 0x5a) out += String.fromCharCode(b + 32);
    else if (b > 0x20 && b < 0x7f && b !== 0x2e && b !== 0x5c) out += String.fromCharCode(b);
    else out += '\\' + String(b).padStart(3, '0');
  }
  return out;
}

export interface QnameRead {
  labels: string[];
  /** Offset just past the root byte. */
  end: number;
}

/**
 * Reads an uncompressed name. A question's name may only point backwards, and only the header
 * precedes it, so any pointer there is malformed.
 */
export function readQname(buf: Buffer, off: number): QnameRead | null {
  const labels: string[] = [];
  let wire = 1;
  for (;;) {
    if (off >= buf.length) return null;
    const len = buf[off] as number;
    if (len === 0) return { labels, end: off + 1 };
    if (len > 63) return null;
    wire += len + 1;
    if (wire > MAX_NAME_WIRE_BYTES || off + 1 + len > buf.length) return null;
    labels.push(labelText(buf, off + 1, off + 1 + len));
    off += 1 + len;
  }
}

/** Offset past a (possibly compressed) name without following pointers, or -1. */
export function skipName(buf: Buffer, off: number): number {
  while (off < buf.length) {
    const len = buf[off] as number;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if (len > 63) return -1;
    off += 1 + len;
  }
  return -1;
}

export interface RecordRef {
  /** 0 answer, 1 authority, 2 additional. */
  section: 0 | 1 | 2;
  nameStart: number;
  type: number;
  klass: number;
  ttl: number;
  /** Offset of the 4-byte TTL field. */
  ttlOffset: number;
  rdataStart: number;
  rdataEnd: number;
}

/**
 * Walks the records after the question section (qdcount must already have been checked). Returns
 * null when a record runs past the buffer. Trailing bytes after the last record are ignored.
 */
export function walkRecords(buf: Buffer, afterQuestion: number): RecordRef[] | null {
  if (buf.length < HEADER_BYTES) return null;
  const counts = [buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  const out: RecordRef[] = [];
  let off = afterQuestion;
  for (let section = 0; section < 3; section++) {
    for (let i = 0; i < (counts[section] as number); i++) {
      const nameEnd = skipName(buf, off);
      if (nameEnd < 0 || nameEnd + 10 > buf.length) return null;
      const rdlen = buf.readUInt16BE(nameEnd + 8);
      const rdataStart = nameEnd + 10;
      if (rdataStart + rdlen > buf.length) return null;
      out.push({
        section: section as 0 | 1 | 2,
        nameStart: off,
        type: buf.readUInt16BE(nameEnd),
        klass: buf.readUInt16BE(nameEnd + 2),
        ttl: buf.readUInt32BE(nameEnd + 4),
        ttlOffset: nameEnd + 4,
        rdataStart,
        rdataEnd: rdataStart + rdlen,
      });
      off = rdataStart + rdlen;
    }
  }
  return out;
}

/** True when both byte ranges hold the same bytes, ASCII letters compared case-insensitively. */
export function equalsIgnoreCase(a: Buffer, aStart: number, b: Buffer, bStart: number, length: number): boolean {
  if (aStart + length > a.length || bStart + length > b.length) return false;
  for (let i = 0; i < length; i++) {
    let x = a[aStart + i] as number;
    let y = b[bStart + i] as number;
    if (x >= 0x41 && x <= 0x5a) x += 32;
    if (y >= 0x41 && y <= 0x5a) y += 32;
    if (x !== y) return false;
  }
  return true;
}
