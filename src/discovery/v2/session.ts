import {
  createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync,
  hkdfSync, sign, verify, type KeyObject,
} from 'node:crypto';
import { lvCat } from './cpace.js';
import { AEAD_TAG_BYTES, IDENTITY_BYTES, SIGNATURE_BYTES } from './wire.js';

/**
 * The pieces of the v2 key schedule after CPace (design section 4.5): channel identifier, the two
 * directional AEAD keys, one-shot ChaCha20-Poly1305 and Ed25519 identities. Pure apart from key
 * generation.
 */
const AEAD_NONCE = Buffer.alloc(12); // every AEAD key is used exactly once
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const LISTENER_SIG_LABEL = Buffer.from('wherez-v2 listener sig', 'ascii');
export const DIALER_SIG_LABEL = Buffer.from('wherez-v2 dialer sig', 'ascii');

/** CI = lv_cat("wherez-v2", "dialer", "listener", u32(x)): roles and epoch, never on the wire. */
export function channelId(epoch: number): Buffer {
  const e = Buffer.alloc(4);
  e.writeUInt32BE(epoch >>> 0);
  return lvCat(Buffer.from('wherez-v2'), Buffer.from('dialer'), Buffer.from('listener'), e);
}

export interface SessionKeys { kL: Buffer; kD: Buffer }

export function sessionKeys(isk: Buffer, cr: Buffer): SessionKeys {
  const k = (info: string) => Buffer.from(hkdfSync('sha256', isk, cr, Buffer.from(info, 'ascii'), 32));
  return { kL: k('wz2 listener->dialer'), kD: k('wz2 dialer->listener') };
}

export function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function seal(key: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, AEAD_NONCE, { authTagLength: AEAD_TAG_BYTES });
  c.setAAD(aad, { plaintextLength: plaintext.length });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

/** null when the tag does not verify (or the input is shorter than a tag). */
export function open(key: Buffer, aad: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < AEAD_TAG_BYTES) return null;
  const body = sealed.subarray(0, sealed.length - AEAD_TAG_BYTES);
  try {
    const d = createDecipheriv('chacha20-poly1305', key, AEAD_NONCE, { authTagLength: AEAD_TAG_BYTES });
    d.setAAD(aad, { plaintextLength: body.length });
    d.setAuthTag(sealed.subarray(sealed.length - AEAD_TAG_BYTES));
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return null;
  }
}

/** A per-zone Ed25519 identity: the raw 32-byte public key travels, the private key never does. */
export interface Identity { readonly publicKey: Buffer; readonly privateKey: KeyObject }

export function identityFromSeed(seed: Buffer): Identity {
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicKey: Buffer.from(spki.subarray(spki.length - IDENTITY_BYTES)), privateKey };
}

export function newIdentity(): Identity {
  const { privateKey } = generateKeyPairSync('ed25519');
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicKey: Buffer.from(spki.subarray(spki.length - IDENTITY_BYTES)), privateKey };
}

/** The 32-byte seed, for the state file only. */
export function identitySeed(id: Identity): Buffer {
  const der = id.privateKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(der.subarray(der.length - 32));
}

export function signWith(id: Identity, label: Buffer, th: Buffer): Buffer {
  return sign(null, Buffer.concat([label, th]), id.privateKey);
}

export function verifySig(publicKey: Buffer, label: Buffer, th: Buffer, sig: Buffer): boolean {
  if (publicKey.length !== IDENTITY_BYTES || sig.length !== SIGNATURE_BYTES) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, Buffer.concat([label, th]), key, sig);
  } catch {
    return false;
  }
}
