import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DNS_RELOAD_KEYS, LOG_RELOAD_KEYS, RELOAD_KEYS, RESTART_KEYS, diffConfig } from '../../../src/config/diff.js';
import { parse } from './harness.js';
import type { Config, ZoneConfig } from '../../../src/config/types.js';

const zone = (label: string, pass = 'x', extra: Partial<ZoneConfig> = {}): ZoneConfig => ({
  label, passphrase: Buffer.from(pass), passphraseSource: 'inline', announce: undefined, authPort: undefined, ttl: 30, minPeers: 1, service: label, proto: 'tcp', protocol: 'v2', externalAddresses: [], ...extra,
});
const base: Config = {
  listen: [{ host: '127.0.0.1', port: 53 }], domain: 'local', forward: true, upstreams: [], allow: ['127.0.0.0/8'],
  negativeTtl: 5, maxTtl: 300, stateDir: '/tmp/x', logLevel: 'info',
  dht: { bind: '0.0.0.0', port: 6881, bootstrap: [] }, metrics: undefined, hostDomain: undefined, zones: [zone('a'), zone('b'), zone('c')],
};

test('zones added, removed and changed; unchanged zones are left alone', () => {
  const next: Config = { ...base, zones: [zone('a'), zone('b', 'new secret'), zone('d')] };
  const d = diffConfig(base, next);
  assert.deepEqual(d.added.map((z) => z.label), ['d']);
  assert.deepEqual(d.removed, ['c']);
  assert.deepEqual(d.changed.map((z) => z.label), ['b']);
  assert.deepEqual(d.restartNeeded, []);
});

test('DNS settings and the log level are applied by a reload; the DHT, names and state dir need a restart', () => {
  const next: Config = { ...base, listen: [{ host: '127.0.0.1', port: 5300 }], dht: { ...base.dht, port: 6882 }, logLevel: 'debug', allow: ['10.0.0.0/8'], maxTtl: 60 };
  assert.deepEqual(diffConfig(base, next).restartNeeded, ['dht']);
  assert.deepEqual(diffConfig(base, next).dnsChanged, ['listen', 'allow', 'maxTtl']);
  assert.equal(diffConfig(base, next).logLevel, 'debug');
  assert.equal(diffConfig(base, { ...base }).logLevel, undefined, 'unchanged: nothing to apply');
  assert.deepEqual(diffConfig(base, { ...base, domain: 'internal', forward: false }).restartNeeded, ['domain']);
  const z = diffConfig(base, { ...base, zones: [zone('a', 'x', { ttl: 10 }), zone('b'), zone('c')] });
  assert.deepEqual(z.changed.map((c) => c.label), ['a'], 'a TTL change restarts the zone (its re-verification period)');
});

test('every config key is either applied by a reload or listed as needing a restart, never both', async () => {
  const { config } = await parse('');
  const reload: readonly string[] = RELOAD_KEYS;
  const restart: readonly string[] = RESTART_KEYS;
  assert.deepEqual([...reload, ...restart].sort(), Object.keys(config).sort(), 'each key in exactly one list');
  assert.equal(new Set([...reload, ...restart]).size, reload.length + restart.length);
  assert.deepEqual(reload, ['zones', ...DNS_RELOAD_KEYS, ...LOG_RELOAD_KEYS]);
});
