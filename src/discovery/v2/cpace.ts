import { createHash, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { _map_to_curve_elligator2_curve25519 as elligator2, ed25519 } from '@noble/curves/ed25519.js';

/**
 * CPace (draft-irtf-cfrg-cpace-21), suite CPACE-X25519-SHA512, initiator-responder mode.
 * Pure functions. The scalar multiplications run in OpenSSL (node:crypto X25519), which also
 * refuses an all-zero result: exactly the draft's scalar_mult_vfy abort cases. @noble/curves is
 * used for the Elligator2 map only (pinned version; the draft vectors gate upgrades).
 */
export const DSI = Buffer.from('CPace255', 'ascii');
export const DSI_ISK = Buffer.from('CPace255_ISK', 'ascii');
/** SHA-512 input block size (s_in_bytes of the draft). */
const HASH_BLOCK_BYTES = 128;
export const POINT_BYTES = 32;

const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const P25519 = (1n << 255n) - 19n;

/** Unsigned LEB128, as the draft's prepend_len. */
export function leb128(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

export function prependLen(b: Uint8Array): Buffer {
  return Buffer.concat([leb128(b.length), b]);
}

export function lvCat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map(prependLen));
}

/** generator_string(DSI, PRS, CI, sid, s_in_bytes): the zero padding fills PRS's first hash block. */
export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Buffer {
  const zpadLen = Math.max(0, HASH_BLOCK_BYTES - 1 - prependLen(prs).length - prependLen(DSI).length);
  return lvCat(DSI, prs, Buffer.alloc(zpadLen), ci, sid);
}

function leToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] as number);
  return n;
}

function bigintToLe32(n: bigint): Buffer {
  const out = Buffer.alloc(POINT_BYTES);
  for (let i = 0; i < POINT_BYTES; i++) { out[i] = Number(n & 0xffn); n >>= 8n; }
  return out;
}

/** calculate_generator: SHA-512 of the generator string, first 32 bytes as a field element, Elligator2. */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Buffer {
  const h = createHash('sha512').update(generatorString(prs, ci, sid)).digest().subarray(0, POINT_BYTES);
  const fe = Buffer.from(h);
  fe[31] = (fe[31] as number) & 0x7f; // decodeUCoordinate: the top bit is masked
  const { xMn, xMd } = elligator2(leToBigint(fe) % P25519);
  const Fp = ed25519.Point.Fp;
  return bigintToLe32(Fp.mul(xMn, Fp.inv(xMd)));
}

/**
 * X25519(scalar, u) through OpenSSL; null when the result is the neutral element (low-order or
 * non-canonical inputs the draft says MUST abort) or on any other failure.
 */
export function scalarMultVfy(scalar: Uint8Array, u: Uint8Array): Buffer | null {
  if (scalar.length !== POINT_BYTES || u.length !== POINT_BYTES) return null;
  try {
    const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, u]), format: 'der', type: 'spki' });
    const k = diffieHellman({ privateKey, publicKey });
    return k.every((b) => b === 0) ? null : k;
  } catch {
    return null;
  }
}

/** ISK for initiator-responder mode: H(lv_cat(DSI_ISK, sid, K) || lv_cat(Ya, ADa) || lv_cat(Yb, ADb)). */
export function iskIr(sid: Uint8Array, k: Uint8Array, ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Buffer {
  return createHash('sha512').update(lvCat(DSI_ISK, sid, k)).update(lvCat(ya, ada)).update(lvCat(yb, adb)).digest();
}
