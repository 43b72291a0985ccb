import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ZONES } from '../../../src/config/schema.js';
import { MAX_CONFIG_BYTES } from '../../../src/config/yaml-read.js';
import { isWherezError } from '../../../src/errors.js';
import { parse, rejects } from './harness.js';

const zonesYaml = (n: number, extra = '') =>
  `dht: { bootstrap: [] }\nzones:\n${Array.from({ length: n }, (_, i) => `  z${i}: { passphrase_env: K${extra} }`).join('\n')}\n`;

test(`${MAX_ZONES} zones load; one more is a coded error naming the limit`, async () => {
  const { config, warnings } = await parse(zonesYaml(MAX_ZONES), { env: { K: 'k' } });
  assert.equal(config.zones.length, MAX_ZONES);
  assert.deepEqual(warnings, []);
  const err = await rejects(parse(zonesYaml(MAX_ZONES + 1), { env: { K: 'k' } }), 'WHEREZ_CONFIG_INVALID', 'zones', 2);
  assert.match(err.message, new RegExp(`${MAX_ZONES + 1} zones; one daemon serves at most ${MAX_ZONES} `));
});

test('every zone of a big config with a warning gets its own line (line lookups are indexed)', async () => {
  const n = 5_000;
  const text = `dht: { bootstrap: [] }\nzones:\n${Array.from({ length: n }, (_, i) => `  z${i}: { passphrase: "inline ${i}" }`).join('\n')}\n`;
  const { warnings } = await parse(text);
  assert.equal(warnings.length, n);
  assert.match(warnings[n - 1] as string, new RegExp(`^zones\\.yaml:${n + 2}: zones\\.z${n - 1}\\.passphrase: `));
});

test('duplicate keys are still refused at any depth, with their line and column', async () => {
  const dup = await parse('zones:\n  a: { passphrase_env: K }\n  b: { passphrase_env: K, ttl: 1, ttl: 2 }\n  a: { passphrase_env: K }\n')
    .then(() => assert.fail('expected an error'), (e: unknown) => e);
  assert.ok(isWherezError(dup, 'WHEREZ_CONFIG_READ'));
  assert.equal(dup.message, 'WHEREZ_CONFIG_READ: 2 problems in zones.yaml\n  zones.yaml:3:35: YAML syntax: duplicate key\n  zones.yaml:4:3: YAML syntax: duplicate key');
  // Keys of different types are different keys, as in YAML.
  const { config } = await parse('zones:\n  "1": { passphrase_env: K, ttl: 3 }\n', { env: { K: 'k' } });
  assert.equal(config.zones[0]?.ttl, 3);
});

test(`a config over ${MAX_CONFIG_BYTES} bytes is refused before it is parsed`, async () => {
  const text = `# ${'x'.repeat(MAX_CONFIG_BYTES)}\nzones: {}\n`;
  const err = await parse(text).then(() => assert.fail('expected an error'), (e: unknown) => e);
  assert.ok(isWherezError(err, 'WHEREZ_CONFIG_READ'));
  assert.match(err.message, /larger than 4 MiB, the limit \(room for 10000 zones\)/);
});
