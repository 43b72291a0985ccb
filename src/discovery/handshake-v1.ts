import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Pure codecs for the v1 TCP challenge/response (wire-compatible with the Go wherez).
 * Decoders return null on anything malformed; they never throw.
 */
export const MAGIC = Buffer.from('wherez', 'ascii');
export const DEDUPE_BYTES = 10;
export const CHALLENGE_BYTES = 20;
export const CHALLENGE_MESSAGE_BYTES = MAGIC.length + DEDUPE_BYTES + CHALLENGE_BYTES; // 36
export const MAC_BYTES = 32;
export const RESPONSE_MESSAGE_BYTES = 2 + MAC_BYTES; // 34

export interface Challenge {
  dedupe: Buffer;
  challenge: Buffer;
}

export interface Response {
  port: number;
  mac: Buffer;
}

export function newDedupe(): Buffer {
  return randomBytes(DEDUPE_BYTES);
}

export function newChallenge(dedupe: Buffer): Challenge {
  return { dedupe, challenge: randomBytes(CHALLENGE_BYTES) };
}

export function encodeChallenge(c: Challenge): Buffer {
  if (c.dedupe.length !== DEDUPE_BYTES || c.challenge.length !== CHALLENGE_BYTES) {
    throw new RangeError('dedupe must be 10 bytes and challenge 20 bytes');
  }
  return Buffer.concat([MAGIC, c.dedupe, c.challenge]);
}

/** null unless exactly 36 bytes starting with the case-sensitive magic "wherez". */
export function decodeChallenge(buf: Buffer): Challenge | null {
  if (buf.length !== CHALLENGE_MESSAGE_BYTES) return null;
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  return {
    dedupe: Buffer.from(buf.subarray(6, 16)),
    challenge: Buffer.from(buf.subarray(16, 36)),
  };
}

/** HMAC-SHA256 keyed with the raw passphrase over the 20 challenge bytes only (v1 semantics). */
export function macV1(passphrase: Buffer, challenge: Buffer): Buffer {
  return createHmac('sha256', passphrase).update(challenge).digest();
}

/** The port goes out little-endian and wraps at 65536, as Go's uint16 conversion does. */
export function encodeResponse(appPort: number, mac: Buffer): Buffer {
  if (mac.length !== MAC_BYTES) throw new RangeError('mac must be 32 bytes');
  const out = Buffer.alloc(RESPONSE_MESSAGE_BYTES);
  out.writeUInt16LE(((appPort % 65536) + 65536) % 65536, 0);
  mac.copy(out, 2);
  return out;
}

export function decodeResponse(buf: Buffer): Response | null {
  if (buf.length !== RESPONSE_MESSAGE_BYTES) return null;
  return { port: buf.readUInt16LE(0), mac: Buffer.from(buf.subarray(2)) };
}

export function respondV1(passphrase: Buffer, appPort: number, c: Challenge): Buffer {
  return encodeResponse(appPort, macV1(passphrase, c.challenge));
}

export type VerifyResult =
  | { ok: true; port: number }
  | { ok: false; reason: 'malformed' | 'bad-mac' | 'port-zero' };

/** Constant-time MAC check. A port of 0 is rejected (Go accepts it; no service lives there). */
export function verifyResponse(passphrase: Buffer, challenge: Buffer, wire: Buffer): VerifyResult {
  const r = decodeResponse(wire);
  if (!r) return { ok: false, reason: 'malformed' };
  if (!timingSafeEqual(r.mac, macV1(passphrase, challenge))) return { ok: false, reason: 'bad-mac' };
  if (r.port === 0) return { ok: false, reason: 'port-zero' };
  return { ok: true, port: r.port };
}
