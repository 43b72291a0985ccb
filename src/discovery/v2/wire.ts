import { readWireAddress, writeWireAddress, type WireAddress } from './address.js';
import { HINT_BYTES } from './keys.js';

/**
 * v2 message layouts, byte by byte (design section 4.5; fixed). All integers big-endian.
 * Decoders return null on anything off: wrong lengths, unknown versions, trailing bytes.
 */
export const MAGIC = Buffer.from([0x00, 0x77, 0x7a, 0x32]); // "\0wz2"
export const V2_FIRST_BYTE = 0x00;
export const SUITE_CPACE_X25519 = 0x01;
export const CR_BYTES = 32;
export const SHARE_BYTES = 32;
export const MSG1_BYTES = 86;
/** msg2 before its ciphertext: Yb || len2. */
export const MSG2_HEAD_BYTES = 34;
export const LEN2_MIN = 123;
export const LEN3_MIN = 120;
export const LEN_MAX = 1024;
export const LEN3_HEAD_BYTES = 2;
export const AEAD_TAG_BYTES = 16;
export const IDENTITY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const INFO_VERSION = 0x01;
export const MAX_ATTESTED = 16;
export const EXT_SSHFP = 0x01;

export interface Msg1 { cr: Buffer; hint: Buffer; ya: Buffer }

export function encodeMsg1(m: Msg1): Buffer {
  if (m.cr.length !== CR_BYTES || m.hint.length !== HINT_BYTES || m.ya.length !== SHARE_BYTES) throw new RangeError('msg1 field length');
  return Buffer.concat([MAGIC, Buffer.from([SUITE_CPACE_X25519, 0x00]), m.cr, m.hint, m.ya]);
}

/** Exactly 86 bytes, magic "\0wz2", suite 1, flags 0. */
export function decodeMsg1(buf: Buffer): Msg1 | null {
  if (buf.length !== MSG1_BYTES || !buf.subarray(0, 4).equals(MAGIC)) return null;
  if (buf[4] !== SUITE_CPACE_X25519 || buf[5] !== 0x00) return null;
  return { cr: Buffer.from(buf.subarray(6, 38)), hint: Buffer.from(buf.subarray(38, 54)), ya: Buffer.from(buf.subarray(54, 86)) };
}

/** ADa: the cleartext of msg1 before Ya, bound into the ISK. */
export function msg1Ad(msg1: Buffer): Buffer {
  return msg1.subarray(0, 54);
}

export function decodeMsg2Head(buf: Buffer): { yb: Buffer; len2: number } | null {
  if (buf.length !== MSG2_HEAD_BYTES) return null;
  const len2 = buf.readUInt16BE(32);
  if (len2 < LEN2_MIN || len2 > LEN_MAX) return null;
  return { yb: Buffer.from(buf.subarray(0, 32)), len2 };
}

export function decodeLen3(buf: Buffer): number | null {
  if (buf.length !== LEN3_HEAD_BYTES) return null;
  const len3 = buf.readUInt16BE(0);
  return len3 >= LEN3_MIN && len3 <= LEN_MAX ? len3 : null;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export interface Extension { type: number; value: Buffer }
export interface Sshfp { algorithm: number; fpType: number; fingerprint: Buffer }

export interface ServerInfo {
  appPort: number;
  listenerId: Buffer;
  signature: Buffer;
  addresses: WireAddress[];
  extensions: Extension[];
}

export interface ClientInfo {
  dialerId: Buffer;
  signature: Buffer;
  dialed: WireAddress;
  extensions: Extension[];
}

function encodeExtensions(ext: readonly Extension[]): Buffer {
  const body = Buffer.concat(ext.map((e) => Buffer.concat([Buffer.from([e.type]), u16(e.value.length), e.value])));
  return Buffer.concat([u16(body.length), body]);
}

/** ext_len then TLVs that fill it exactly; the block must end the plaintext. */
function decodeExtensions(buf: Buffer, off: number): Extension[] | null {
  if (off + 2 > buf.length) return null;
  const extLen = buf.readUInt16BE(off);
  const end = off + 2 + extLen;
  if (end !== buf.length) return null;
  const out: Extension[] = [];
  let p = off + 2;
  while (p < end) {
    if (p + 3 > end) return null;
    const len = buf.readUInt16BE(p + 1);
    if (p + 3 + len > end) return null;
    out.push({ type: buf[p] as number, value: Buffer.from(buf.subarray(p + 3, p + 3 + len)) });
    p += 3 + len;
  }
  return out;
}

export function encodeServerInfo(s: ServerInfo): Buffer {
  if (s.addresses.length < 1 || s.addresses.length > MAX_ATTESTED) throw new RangeError('1..16 attested addresses');
  const head = Buffer.alloc(100);
  head[0] = INFO_VERSION;
  head.writeUInt16BE(s.appPort, 1);
  s.listenerId.copy(head, 3);
  s.signature.copy(head, 35);
  head[99] = s.addresses.length;
  return Buffer.concat([head, ...s.addresses.map(writeWireAddress), encodeExtensions(s.extensions)]);
}

export function decodeServerInfo(buf: Buffer): ServerInfo | null {
  if (buf.length < 100 || buf[0] !== INFO_VERSION) return null;
  const n = buf[99] as number;
  if (n < 1 || n > MAX_ATTESTED) return null;
  const addresses: WireAddress[] = [];
  let off = 100;
  for (let i = 0; i < n; i++) {
    const r = readWireAddress(buf, off);
    if (!r) return null;
    addresses.push(r.addr);
    off = r.end;
  }
  const extensions = decodeExtensions(buf, off);
  if (!extensions) return null;
  return {
    appPort: buf.readUInt16BE(1),
    listenerId: Buffer.from(buf.subarray(3, 35)),
    signature: Buffer.from(buf.subarray(35, 99)),
    addresses,
    extensions,
  };
}

export function encodeClientInfo(c: ClientInfo): Buffer {
  return Buffer.concat([Buffer.from([INFO_VERSION]), c.dialerId, c.signature, writeWireAddress(c.dialed), encodeExtensions(c.extensions)]);
}

export function decodeClientInfo(buf: Buffer): ClientInfo | null {
  if (buf.length < 97 || buf[0] !== INFO_VERSION) return null;
  const r = readWireAddress(buf, 97);
  if (!r) return null;
  const extensions = decodeExtensions(buf, r.end);
  if (!extensions) return null;
  return { dialerId: Buffer.from(buf.subarray(1, 33)), signature: Buffer.from(buf.subarray(33, 97)), dialed: r.addr, extensions };
}

/** SSHFP records of extension type 01 (alg u8, fptype u8, fingerprint); malformed ones are skipped. */
export function sshfpOf(ext: readonly Extension[]): Sshfp[] {
  return ext.filter((e) => e.type === EXT_SSHFP && e.value.length > 2)
    .map((e) => ({ algorithm: e.value[0] as number, fpType: e.value[1] as number, fingerprint: Buffer.from(e.value.subarray(2)) }));
}

export function sshfpExtension(s: Sshfp): Extension {
  return { type: EXT_SSHFP, value: Buffer.concat([Buffer.from([s.algorithm, s.fpType]), s.fingerprint]) };
}
