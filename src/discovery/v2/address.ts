import ipaddr from 'ipaddr.js';
import { normalizeIp } from '../../net/address-class.js';

/**
 * Attested addresses on the wire: family u8 (4 or 6) then 4 or 16 bytes. Text forms are
 * canonical (IPv4-mapped IPv6 becomes the IPv4 address it carries), so the dialer's "is the address
 * I dialed attested" check compares like with like.
 */
export interface WireAddress { family: 4 | 6; bytes: Buffer }

export function toWireAddress(text: string): WireAddress | null {
  const c = normalizeIp(text);
  if (c === null) return null;
  const a = ipaddr.parse(c);
  return { family: a.kind() === 'ipv4' ? 4 : 6, bytes: Buffer.from(a.toByteArray()) };
}

export function fromWireAddress(a: WireAddress): string {
  return ipaddr.process(ipaddr.fromByteArray([...a.bytes]).toString()).toString();
}

/** Reads family || address at off; null when the family is unknown or the bytes run out. */
export function readWireAddress(buf: Buffer, off: number): { addr: WireAddress; end: number } | null {
  const family = buf[off];
  const len = family === 4 ? 4 : family === 6 ? 16 : -1;
  if (len < 0 || off + 1 + len > buf.length) return null;
  return { addr: { family: family as 4 | 6, bytes: Buffer.from(buf.subarray(off + 1, off + 1 + len)) }, end: off + 1 + len };
}

export function writeWireAddress(a: WireAddress): Buffer {
  return Buffer.concat([Buffer.from([a.family]), a.bytes]);
}
