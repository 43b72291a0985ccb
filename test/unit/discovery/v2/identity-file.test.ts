import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityPath, loadOrCreateIdentity } from '../../../../src/discovery/v2/identity-file.js';
import { silentLogger } from '../../../../src/log.js';

test('per-zone identity keys: created 0600, kept across restarts, per zone; a corrupt file is replaced, a loose mode tightened', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-id-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = await loadOrCreateIdentity(dir, 'ldap', silentLogger());
  assert.equal((await stat(identityPath(dir, 'ldap'))).mode & 0o777, 0o600);
  assert.deepEqual((await loadOrCreateIdentity(dir, 'ldap', silentLogger())).publicKey, a.publicKey);
  assert.notDeepEqual((await loadOrCreateIdentity(dir, 'kdc', silentLogger())).publicKey, a.publicKey);
  await chmod(identityPath(dir, 'ldap'), 0o644);
  assert.deepEqual((await loadOrCreateIdentity(dir, 'ldap', silentLogger())).publicKey, a.publicKey);
  assert.equal((await stat(identityPath(dir, 'ldap'))).mode & 0o777, 0o600);
  await writeFile(identityPath(dir, 'ldap'), '{"ed25519_seed":"nope"}');
  assert.notDeepEqual((await loadOrCreateIdentity(dir, 'ldap', silentLogger())).publicKey, a.publicKey);
});
