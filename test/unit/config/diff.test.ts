import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfig } from '../../../src/config/diff.js';
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

test('DNS settings are applied by a reload; the DHT, names, state dir and log level need a restart', () => {
  const next: Config = { ...base, listen: [{ host: '127.0.0.1', port: 5300 }], dht: { ...base.dht, port: 6882 }, logLevel: 'debug', allow: ['10.0.0.0/8'], maxTtl: 60 };
  assert.deepEqual(diffConfig(base, next).restartNeeded, ['logLevel', 'dht']);
  assert.deepEqual(diffConfig(base, next).dnsChanged, ['listen', 'allow', 'maxTtl']);
  assert.deepEqual(diffConfig(base, { ...base, domain: 'internal', forward: false }).restartNeeded, ['domain']);
  const z = diffConfig(base, { ...base, zones: [zone('a', 'x', { ttl: 10 }), zone('b'), zone('c')] });
  assert.deepEqual(z.changed.map((c) => c.label), ['a'], 'a TTL change restarts the zone (its re-verification period)');
});
