import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';

const ROOT = join(FIXTURES_DIR, '..', '..');

test('zones.example.yaml loads cleanly and suits `npm start` for a non-root user offline', async () => {
  // resolv.conf must not matter: the example does not forward.
  const { config, warnings } = await loadConfig(join(ROOT, 'zones.example.yaml'), { env: {}, resolvConfPath: '/nonexistent' });
  for (const w of warnings) assert.match(w, /examples\/ldap\.key is readable by group or others/); // git checkouts are 644
  assert.deepEqual(config.listen, [{ host: '127.0.0.1', port: 5300 }]);
  assert.equal(config.forward, false);
  assert.deepEqual(config.metrics, { host: '127.0.0.1', port: 9153 }, '`wherez status` finds it with no arguments');
  assert.equal(config.dht.bind, '127.0.0.1');
  assert.deepEqual(config.dht.bootstrap, []);
  assert.equal(config.stateDir, join(ROOT, '.wherez-state'));
  const [z] = config.zones;
  assert.ok(z);
  assert.equal(z.label, 'ldap');
  assert.equal(z.passphrase.toString(), 'wherezexample');
  assert.equal(z.passphraseSource, `file:${join(ROOT, 'examples', 'ldap.key')}`);
  assert.equal(z.announce, 389);
  assert.equal(z.authPort, 40001);
  assert.ok(config.listen.every((l) => l.port >= 1024) && (z.authPort ?? 0) >= 1024, 'no privileged ports');
});

function schemaKeys(schema: unknown, prefix = ''): string[] {
  const s = schema as { properties?: Record<string, unknown>; additionalProperties?: unknown };
  const out: string[] = [];
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    out.push(prefix + k);
    out.push(...schemaKeys(sub, `${prefix}${k}.`));
  }
  if (typeof s.additionalProperties === 'object') out.push(...schemaKeys(s.additionalProperties, `${prefix}<label>.`));
  return out;
}

test('docs/configuration.md documents every key of the schema', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const keys = schemaKeys(configSchema);
  assert.ok(keys.includes('zones.<label>.auth_port'));
  for (const key of keys) {
    const leaf = key.split('.').pop() as string;
    assert.ok(doc.includes(`\`${leaf}\``), `docs/configuration.md does not mention \`${leaf}\` (${key})`);
  }
});
