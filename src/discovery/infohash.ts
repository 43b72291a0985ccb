import { createHash } from 'node:crypto';

/**
 * The v1 rendezvous key: SHA-1(SHA-256(passphrase)[0:16]). Raw bytes, no salt, no
 * normalisation, exactly as the 2014 Go wherez, so TS and Go nodes meet under one infohash.
 */
export function infohashV1(passphrase: Buffer | string): Buffer {
  const bytes = typeof passphrase === 'string' ? Buffer.from(passphrase, 'utf8') : passphrase;
  const sha256 = createHash('sha256').update(bytes).digest();
  return createHash('sha1').update(sha256.subarray(0, 16)).digest();
}
