import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, PUBLIC_BOOTSTRAP } from '../../../src/config/schema.js';
import { formatEndpoint } from '../../../src/net/endpoint.js';
import { parse, yaml } from './harness.js';

test('an empty document gets every default (upstreams from resolv.conf)', async () => {
  const { config, warnings } = await parse('');
  assert.deepEqual(warnings, []);
  assert.deepEqual(config.listen, [{ host: '127.0.0.1', port: 53 }]);
  assert.equal(config.domain, 'local');
  assert.equal(config.forward, true);
  assert.deepEqual(config.upstreams, [{ host: '10.0.0.53', port: 53 }]);
  assert.deepEqual(config.allow, ['127.0.0.0/8', '::1/128']);
  assert.equal(config.negativeTtl, 5);
  assert.equal(config.maxTtl, 300);
  assert.equal(config.stateDir, '/var/lib/wherez');
  assert.equal(config.logLevel, 'info');
  assert.equal(config.dht.bind, '0.0.0.0');
  assert.equal(config.dht.port, 6881);
  assert.deepEqual(config.zones, []);
});

// Only the constant is checked: no test starts a DHT on this default (every test config sets a loopback or empty bootstrap).
test('the default bootstrap list is the public Mainline routers', async () => {
  const { config } = await parse('');
  assert.deepEqual(config.dht.bootstrap, PUBLIC_BOOTSTRAP, 'the config default and the library constant are one list');
  assert.deepEqual(PUBLIC_BOOTSTRAP.map(formatEndpoint), ['router.bittorrent.com:6881', 'router.utorrent.com:6881', 'dht.transmissionbt.com:6881']);
});

test('a dht block without keys still gets the dht defaults', async () => {
  const { config } = await parse('dht: {}\n');
  assert.equal(config.dht.port, 6881);
  assert.equal(config.dht.bootstrap.length, 3);
});

test('zone defaults: ttl 30, min_peers 1, discover only', async () => {
  const { config } = await parse(yaml('zones:', '  ldap:', '    passphrase_env: K'), { env: { K: 'x' } });
  const [z] = config.zones;
  assert.ok(z);
  assert.equal(z.ttl, 30);
  assert.equal(z.minPeers, 1);
  assert.equal(z.announce, undefined);
  assert.equal(z.authPort, undefined);
  assert.equal(z.label, 'ldap');
});

test('defaults are not shared between parses (mutating one result cannot leak)', async () => {
  const a = await parse('');
  const b = await parse('');
  assert.notEqual(a.config.listen, b.config.listen);
  assert.deepEqual(DEFAULTS.listen, ['127.0.0.1:53']);
});

test('the contract example parses to the documented shape', async () => {
  const text = yaml(
    'listen: ["127.0.0.1:53", "[::1]:53"]',
    'domain: Example.COM',
    'forward: true',
    'upstreams: ["127.0.0.53:53", "9.9.9.9", "[2620:fe::fe]:5353"]',
    'state_dir: /var/lib/wherez',
    'negative_ttl: 10',
    'max_ttl: 600',
    'log_level: debug',
    'allow: ["10.0.0.0/8", "192.168.1.7"]',
    'dht:',
    '  bind: 0.0.0.0',
    '  port: 6881',
    '  bootstrap: ["127.0.0.1:20000", "[::1]:20001", "node.example:6881"]',
    'zones:',
    '  ldap:',
    '    passphrase_file: /etc/wherez/ldap.key',
    '    announce: 389',
    '    auth_port: 40001',
    '    ttl: 30',
    '    min_peers: 3',
  );
  const { config, warnings } = await parse(text, { files: { '/etc/wherez/ldap.key': 'secret\n' } });
  assert.deepEqual(warnings, []);
  assert.deepEqual(config.listen, [{ host: '127.0.0.1', port: 53 }, { host: '::1', port: 53 }]);
  assert.equal(config.domain, 'example.com');
  assert.deepEqual(config.upstreams, [
    { host: '127.0.0.53', port: 53 }, { host: '9.9.9.9', port: 53 }, { host: '2620:fe::fe', port: 5353 },
  ]);
  assert.deepEqual(config.allow, ['10.0.0.0/8', '192.168.1.7/32']);
  assert.equal(config.negativeTtl, 10);
  assert.equal(config.maxTtl, 600);
  assert.equal(config.logLevel, 'debug');
  assert.deepEqual(config.dht.bootstrap, [
    { host: '127.0.0.1', port: 20000 }, { host: '::1', port: 20001 }, { host: 'node.example', port: 6881 },
  ]);
  const [z] = config.zones;
  assert.ok(z);
  assert.deepEqual({ ...z, passphrase: z.passphrase.toString() }, {
    label: 'ldap', passphrase: 'secret', passphraseSource: 'file:/etc/wherez/ldap.key',
    announce: 389, authPort: 40001, ttl: 30, minPeers: 3, service: 'ldap', proto: 'tcp', protocol: 'v2', externalAddresses: [],
  });
});
