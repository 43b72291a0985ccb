/**
 * Encodes replies. Owner names are compressed against the question and earlier owners (a 40-peer
 * SRV answer then fits far more often in one datagram); names inside RDATA are never compressed:
 * RFC 2782 forbids it for SRV targets and c-ares rejects such answers, and uncompressed PTR/SOA
 * data costs little. Writes go to one scratch buffer (replies are built synchronously) with room
 * for the largest message plus one record, so callers check the size after each record.
 */
import { TYPE } from './dns-codes.js';
import type { Rr } from './records.js';

/** Larger than any single record we emit (names <= 255, TXT strings <= 255 each, few of them). */
const SLACK_BYTES = 8192;
const scratch = Buffer.allocUnsafe(65535 + SLACK_BYTES);
/** Compression pointers carry a 14-bit offset. */
const MAX_POINTER_OFFSET = 0x3fff;

const RR_TYPE: Record<Rr['type'], number> = { A: TYPE.A, AAAA: TYPE.AAAA, SRV: TYPE.SRV, TXT: TYPE.TXT, PTR: TYPE.PTR, NS: TYPE.NS, SOA: TYPE.SOA };

export interface WriterMark { pos: number; added: number }

export class WireWriter {
  pos = 0;
  private readonly buf = scratch;
  /** Lower-case name suffix -> offset where it was written. */
  private readonly names = new Map<string, number>();
  /** Suffixes in insertion order, so a rollback can forget the ones it wrote. */
  private readonly added: string[] = [];

  /** Copies the question section verbatim and remembers its suffixes as compression targets. */
  question(query: Buffer, questionEnd: number, labels: readonly string[]): void {
    let off = 12; // the question directly follows the header, in the query and in the reply
    for (let i = 0; i < labels.length; i++) {
      this.remember(labels.slice(i).join('.'), off);
      off += 1 + (query[off] as number);
    }
    this.bytes(query, 12, questionEnd);
  }

  /** Starts a message: id and flags, zero counts (set them with `counts`). */
  header(id: number, flags: number): void {
    this.buf.writeUInt16BE(id, 0);
    this.buf.writeUInt16BE(flags, 2);
    this.buf.fill(0, 4, 12);
    this.pos = 12;
  }

  flags(flags: number): void {
    this.buf.writeUInt16BE(flags, 2);
  }

  counts(qd: number, an: number, ns: number, ar: number): void {
    [qd, an, ns, ar].forEach((c, i) => this.buf.writeUInt16BE(c, 4 + i * 2));
  }

  private remember(suffix: string, off: number): void {
    if (this.names.has(suffix)) return;
    this.names.set(suffix, off);
    this.added.push(suffix);
  }

  bytes(src: Buffer, start: number, end: number): void {
    src.copy(this.buf, this.pos, start, end);
    this.pos += end - start;
  }

  u16(n: number): void {
    this.buf.writeUInt16BE(n, this.pos);
    this.pos += 2;
  }

  u32(n: number): void {
    this.buf.writeUInt32BE(n >>> 0, this.pos);
    this.pos += 4;
  }

  name(name: string, compress: boolean): void {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = i === 0 ? name : labels.slice(i).join('.');
      const at = compress ? this.names.get(suffix) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (compress && this.pos <= MAX_POINTER_OFFSET) this.remember(suffix, this.pos);
      const label = labels[i] as string;
      this.buf[this.pos] = label.length;
      this.buf.write(label, this.pos + 1, 'latin1');
      this.pos += 1 + label.length;
    }
    this.buf[this.pos++] = 0;
  }

  rr(rr: Rr): void {
    this.name(rr.name, true);
    this.u16(RR_TYPE[rr.type]);
    this.u16(1); // class IN
    this.u32(rr.ttl);
    const lengthAt = this.pos;
    this.pos += 2;
    switch (rr.type) {
      case 'A':
      case 'AAAA':
        this.bytes(rr.address, 0, rr.address.length);
        break;
      case 'SRV':
        this.u16(rr.priority);
        this.u16(rr.weight);
        this.u16(rr.port);
        this.name(rr.target, false);
        break;
      case 'TXT':
        for (const s of rr.strings) {
          const len = Math.min(255, Buffer.byteLength(s));
          this.buf[this.pos] = len;
          this.buf.write(s, this.pos + 1, len, 'utf8');
          this.pos += 1 + len;
        }
        break;
      case 'PTR':
      case 'NS':
        this.name(rr.target, false);
        break;
      case 'SOA':
        this.name(rr.mname, false);
        this.name(rr.rname, false);
        for (const n of [rr.serial, rr.refresh, rr.retry, rr.expire, rr.minimum]) this.u32(n);
        break;
    }
    this.buf.writeUInt16BE(this.pos - lengthAt - 2, lengthAt);
  }

  /** EDNS OPT (RFC 6891): class = our UDP payload size, TTL = extended rcode, version 0, DO. */
  opt(udpSize: number, rcode: number, dnssecOk: boolean): void {
    this.buf[this.pos++] = 0;
    this.u16(TYPE.OPT);
    this.u16(udpSize);
    this.u32((((rcode >> 4) & 0xff) << 24) | (dnssecOk ? 0x8000 : 0));
    this.u16(0);
  }

  mark(): WriterMark {
    return { pos: this.pos, added: this.added.length };
  }

  rollback(m: WriterMark): void {
    this.pos = m.pos;
    for (const suffix of this.added.splice(m.added)) this.names.delete(suffix);
  }

  /** A copy of what was written: the scratch buffer is reused by the next reply. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
