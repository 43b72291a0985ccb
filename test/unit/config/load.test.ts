import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { isWherezError } from '../../../src/errors.js';
import { configFixture } from './fixture-files.js';
import { parse } from './harness.js';

test('loadConfig resolves state_dir and passphrase_file against the config file directory', async () => {
  const file = configFixture('relative', 'sub', 'zones.yaml');
  const { config, warnings } = await loadConfig(relative(process.cwd(), file), { env: {} });
  assert.equal(config.stateDir, configFixture('relative', 'state'));
  const z = config.zones[0];
  assert.ok(z);
  assert.equal(z.passphraseSource, `file:${configFixture('relative', 'keys', 'ldap.key')}`);
  assert.equal(z.passphrase.toString(), 'crlf-terminated passphrase');
  // A git checkout may leave the key mode 644: that is the only warning allowed.
  for (const w of warnings) assert.match(w, /readable by group or others/);
});

test('absolute paths stay as written; relative ones resolve against baseDir', async () => {
  assert.equal((await parse('state_dir: /srv/w\n')).config.stateDir, '/srv/w');
  assert.equal((await parse('state_dir: ./w\n')).config.stateDir, '/etc/wherez/w');
  assert.equal((await parse('state_dir: w\n', { baseDir: 'rel' })).config.stateDir, join(process.cwd(), 'rel', 'w'));
});

test('loadConfig: an unreadable file is WHEREZ_CONFIG_READ naming the path', async () => {
  const err = await loadConfig('/nonexistent/zones.yaml', { env: {} }).catch((e: unknown) => e);
  assert.ok(isWherezError(err, 'WHEREZ_CONFIG_READ'));
  assert.equal(err.message, 'WHEREZ_CONFIG_READ: cannot read /nonexistent/zones.yaml (ENOENT)');
});

test('loadConfig uses the injected readFile, stat and resolvConfPath', async () => {
  const files: Record<string, string> = {
    '/cfg/zones.yaml': 'zones:\n  a:\n    passphrase_file: a.key\n',
    '/cfg/a.key': 'k\n',
    '/resolv': 'nameserver 192.0.2.5\n',
  };
  const { config, warnings } = await loadConfig('/cfg/zones.yaml', {
    env: {},
    readFile: async (p) => files[p] ?? Promise.reject(Object.assign(new Error(p), { code: 'ENOENT' })),
    stat: async () => ({ mode: 0o100644 }),
    resolvConfPath: '/resolv',
  });
  assert.equal(config.zones[0]?.passphraseSource, 'file:/cfg/a.key');
  assert.deepEqual(config.upstreams, [{ host: '192.0.2.5', port: 53 }]);
  assert.deepEqual(warnings, ['/cfg/zones.yaml:3: zones.a.passphrase_file: passphrase file /cfg/a.key is readable by group or others (mode 644); run: chmod 600 /cfg/a.key']);
});

test('loadConfig does not read process.env: env must be injected', async () => {
  process.env.WHEREZ_TEST_ONLY_KEY = 'from-process-env';
  try {
    const err = await loadConfig('/cfg/zones.yaml', {
      readFile: async () => 'forward: false\nzones:\n  a:\n    passphrase_env: WHEREZ_TEST_ONLY_KEY\n',
    }).catch((e: unknown) => e);
    assert.ok(isWherezError(err, 'WHEREZ_PASSPHRASE_MISSING'));
  } finally {
    delete process.env.WHEREZ_TEST_ONLY_KEY;
  }
});

test('the result is deep-frozen', async () => {
  const loaded = await parse('zones:\n  a:\n    passphrase: x\n');
  const { config } = loaded;
  assert.ok(Object.isFrozen(loaded));
  assert.ok(Object.isFrozen(loaded.warnings));
  for (const o of [config, config.listen, config.listen[0], config.upstreams, config.allow, config.dht,
    config.dht.bootstrap, config.zones, config.zones[0]]) {
    assert.ok(Object.isFrozen(o));
  }
  assert.throws(() => { (config as { domain: string }).domain = 'x'; }, TypeError);
  assert.throws(() => { (config.listen as unknown[]).push({}); }, TypeError);
  assert.throws(() => { (config.zones[0] as { ttl: number }).ttl = 1; }, TypeError);
});
