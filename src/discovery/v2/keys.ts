import { createHmac, scrypt } from 'node:crypto';

/**
 * v2 zone and epoch keys (design section 4.2, fixed: other implementations and the DHT meet on
 * these bytes). Everything public (infohash, zone hint) derives from RK_e, a memory-hard scrypt of
 * the passphrase salted with the UTC day, so an offline guess costs one scrypt per epoch.
 */
export const EPOCH_SECONDS = 86_400;
export const SCRYPT_N = 2 ** 17;
export const SCRYPT_R = 8;
export const SCRYPT_P = 4;
export const RENDEZVOUS_KEY_BYTES = 32;
/** 128·N·r = 128 MiB; OpenSSL wants headroom above that. */
export const SCRYPT_MAXMEM_BYTES = 256 * 1024 * 1024;
export const PRS_MAX_BYTES = 1024;
export const INFOHASH_BYTES = 20;
export const HINT_BYTES = 16;

const RENDEZVOUS_LABEL = Buffer.from('wherez-v2 rendezvous', 'ascii');
const INFOHASH_LABEL = Buffer.from('wherez-v2 infohash', 'ascii');
const HINT_KEY_LABEL = Buffer.from('wherez-v2 hint key', 'ascii');
const HINT_LABEL = Buffer.from('wz2 hint', 'ascii');

/**
 * PRS = UTF-8(NFC(passphrase)), 1..1024 bytes; null otherwise. NFC makes a composed and a
 * decomposed "Zürich" the same secret. Bytes that are not valid UTF-8 are taken as they are
 * (normalisation needs text), so a binary key file still works.
 */
export function passwordBytes(passphrase: Buffer | string): Buffer | null {
  let out: Buffer;
  if (typeof passphrase === 'string') {
    out = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  } else {
    let text: string | null;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(passphrase); } catch { text = null; }
    out = text === null ? Buffer.from(passphrase) : Buffer.from(text.normalize('NFC'), 'utf8');
  }
  return out.length >= 1 && out.length <= PRS_MAX_BYTES ? out : null;
}

/** e = floor(unix_time_utc / 86400), the UTC day number. */
export function epochAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / EPOCH_SECONDS);
}

export function epochSalt(epoch: number): Buffer {
  const salt = Buffer.alloc(RENDEZVOUS_LABEL.length + 4);
  RENDEZVOUS_LABEL.copy(salt);
  salt.writeUInt32BE(epoch >>> 0, RENDEZVOUS_LABEL.length);
  return salt;
}

/** RK_e = scrypt(PRS, "wherez-v2 rendezvous" || u32(e), N=2^17, r=8, p=4, 32). ~1.1 s and 128 MiB: run it off the hot path. */
export function rendezvousKey(prs: Buffer, epoch: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(prs, epochSalt(epoch), RENDEZVOUS_KEY_BYTES,
      { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAXMEM_BYTES },
      (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The public per-epoch values, and nothing that reveals RK_e itself. */
export interface EpochKeys {
  readonly epoch: number;
  /** BEP 5 infohash of this epoch. */
  readonly infohash: Buffer;
  /** Zone-hint key. */
  readonly hintKey: Buffer;
}

export function epochKeys(rk: Buffer, epoch: number): EpochKeys {
  return {
    epoch,
    infohash: createHmac('sha256', rk).update(INFOHASH_LABEL).digest().subarray(0, INFOHASH_BYTES),
    hintKey: createHmac('sha256', rk).update(HINT_KEY_LABEL).digest(),
  };
}

/** hint = HMAC(HK_x, "wz2 hint" || cr)[0..16). */
export function zoneHint(hintKey: Buffer, cr: Buffer): Buffer {
  return createHmac('sha256', hintKey).update(HINT_LABEL).update(cr).digest().subarray(0, HINT_BYTES);
}
