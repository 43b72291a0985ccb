import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import { readJsonOrNull, writeJsonAtomic } from '../state-file.js';
import { identityFromSeed, identitySeed, newIdentity, type Identity } from './session.js';

const SEED_HEX = /^[0-9a-f]{64}$/;
const PRIVATE_MODE = 0o600;

export function identityPath(stateDir: string, label: string): string {
  return join(stateDir, `v2-identity-${label}.json`);
}

/**
 * A zone's Ed25519 identity, kept across restarts in the state directory (0600, written
 * atomically) so peers that pin `wz2-id` keep recognising us. Per zone, so the key does not link a
 * node's zones. A missing or corrupt file makes a new key (logged); a file others can read is
 * tightened to 0600.
 */
export async function loadOrCreateIdentity(stateDir: string, label: string, log: Logger): Promise<Identity> {
  const path = identityPath(stateDir, label);
  const doc = await readJsonOrNull(path) as { ed25519_seed?: unknown } | null;
  const seed = doc?.ed25519_seed;
  if (typeof seed === 'string' && SEED_HEX.test(seed)) {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await chmod(path, PRIVATE_MODE);
      log.warn({ path, mode: mode.toString(8) }, 'v2 identity key was readable by others; now 0600');
    }
    return identityFromSeed(Buffer.from(seed, 'hex'));
  }
  const id = newIdentity();
  await writeJsonAtomic(path, { ed25519_seed: identitySeed(id).toString('hex') });
  log.info({ path, corrupt: doc !== null }, 'v2 identity key created');
  return id;
}
