import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr } from '../../../src/config/cidr.js';
import { addressesOverlap, canonicalIp, parseIpEndpoint } from '../../../src/config/endpoints.js';
import { LOOPBACK_BOOTSTRAP, parse, rejects, yaml } from './harness.js';

test('parseIpEndpoint: IPv4 and IPv6 literals, optional port defaulting to 53', () => {
  assert.deepEqual(parseIpEndpoint('127.0.0.1', 0).value, { host: '127.0.0.1', port: 53 });
  assert.deepEqual(parseIpEndpoint('127.0.0.1:5300', 0).value, { host: '127.0.0.1', port: 5300 });
  assert.deepEqual(parseIpEndpoint('::1', 0).value, { host: '::1', port: 53 });
  assert.deepEqual(parseIpEndpoint('[::1]', 0).value, { host: '::1', port: 53 });
  assert.deepEqual(parseIpEndpoint('[::1]:0', 0).value, { host: '::1', port: 0 });
  assert.deepEqual(parseIpEndpoint('[fe80::1%eth0]:53', 1).value, { host: 'fe80::1%eth0', port: 53 });
  for (const bad of ['localhost', 'localhost:53', '1.2.3', '[1.2.3.4]:53', '1.2.3.4:', '1.2.3.4:65536', '::1:53x', '[::1]:x']) {
    assert.ok(parseIpEndpoint(bad, 0).error, bad);
  }
  assert.match(parseIpEndpoint('1.2.3.4:0', 1).error ?? '', /port must be 1-65535/);
});

test('address comparison sees through IPv6 spellings and wildcards', () => {
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIp('FE80::1%eth0'), 'fe80::1');
  assert.ok(addressesOverlap('::1', '0::1'));
  assert.ok(addressesOverlap('0.0.0.0', '127.0.0.1'));
  assert.ok(addressesOverlap('::', '127.0.0.1'));
  assert.ok(!addressesOverlap('0.0.0.0', '::1'));
  assert.ok(!addressesOverlap('127.0.0.1', '127.0.0.2'));
});

test('parseCidr: networks, bare addresses, bad prefixes', () => {
  assert.equal(parseCidr('10.0.0.0/8').value, '10.0.0.0/8');
  assert.equal(parseCidr('fd00::/8').value, 'fd00::/8');
  assert.equal(parseCidr('192.168.1.7').value, '192.168.1.7/32');
  assert.equal(parseCidr('::1').value, '::1/128');
  assert.equal(parseCidr('0.0.0.0/0').value, '0.0.0.0/0');
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', 'example.com/8', '10.0.0.0/+8', 'fe80::1%eth0/64']) {
    assert.ok(parseCidr(bad).error, bad);
  }
});

test('listen entries: IP literals, v6 in brackets, port 0 allowed', async () => {
  const { config } = await parse(yaml('listen: ["127.0.0.1:0", "[::1]:5300", "10.1.1.1"]', 'forward: false'));
  assert.deepEqual(config.listen, [{ host: '127.0.0.1', port: 0 }, { host: '::1', port: 5300 }, { host: '10.1.1.1', port: 53 }]);
});

test('listen errors name the entry and its line', async () => {
  await rejects(parse(yaml('listen:', '  - 127.0.0.1:53', '  - localhost:53')), 'WHEREZ_CONFIG_INVALID', 'listen[1]', 3);
  await rejects(parse(yaml('listen:', '  - 127.0.0.1:70000')), 'WHEREZ_CONFIG_INVALID', 'listen[0]', 2);
  const err = await rejects(parse(yaml('listen:', '  - 127.0.0.1:53', '  - 0.0.0.0:53')), 'WHEREZ_CONFIG_INVALID', 'listen[1]', 3);
  assert.match(err.message, /cannot both be bound/);
  await rejects(parse(yaml('listen: ["[::1]:53", "[0:0::1]:53"]')), 'WHEREZ_CONFIG_INVALID', 'listen[1]', 1);
  // Two ephemeral listeners never collide.
  await parse(yaml('listen: ["127.0.0.1:0", "127.0.0.1:0"]'));
});

test('explicit upstreams: IP literals, port 1-65535', async () => {
  await rejects(parse(yaml('upstreams:', '  - dns.google')), 'WHEREZ_CONFIG_INVALID', 'upstreams[0]', 2);
  await rejects(parse(yaml('upstreams:', '  - 8.8.8.8:0')), 'WHEREZ_CONFIG_INVALID', 'upstreams[0]', 2);
  const err = await rejects(parse(yaml('forward: true', 'upstreams: []')), 'WHEREZ_CONFIG_INVALID', 'upstreams', 2);
  assert.match(err.message, /set forward: false/);
});

test('allow entries are validated', async () => {
  await rejects(parse(yaml('allow:', '  - 10.0.0.0/8', '  - 10.0.0.0/40')), 'WHEREZ_CONFIG_INVALID', 'allow[1]', 3);
  assert.deepEqual((await parse('allow: []\n')).config.allow, []);
});

test('dht.bind must be an IP literal', async () => {
  await rejects(parse(yaml('dht:', '  bind: localhost')), 'WHEREZ_CONFIG_INVALID', 'dht.bind', 2);
  assert.equal((await parse(yaml('dht:', '  bind: "::"'))).config.dht.bind, '::');
});

test('the DHT UDP port must not collide with a DNS listener', async () => {
  const err = await rejects(parse(yaml('listen: ["127.0.0.1:6881"]', 'dht:', '  port: 6881')), 'WHEREZ_CONFIG_INVALID', 'dht.port', 3);
  assert.match(err.message, /collides with the DNS listener listen\[0\]/);
  await parse(yaml('listen: ["127.0.0.1:6881"]', 'dht:', '  bind: 127.0.0.2', '  port: 6881'));
});

test('bootstrap entries go through parseHostPort; bad ones are WHEREZ_BOOTSTRAP_INVALID', async () => {
  const { config } = await parse(LOOPBACK_BOOTSTRAP);
  assert.deepEqual(config.dht.bootstrap, [{ host: '127.0.0.1', port: 20000 }]);
  assert.deepEqual((await parse('dht: { bootstrap: [] }\n')).config.dht.bootstrap, []);
  for (const bad of ['router.example', 'router.example:0', 'router.example:65536', '[::1]', '[host]:1', 'a b:1']) {
    const err = await rejects(parse(yaml('dht:', '  bootstrap:', '    - 127.0.0.1:1', `    - "${bad}"`)),
      'WHEREZ_BOOTSTRAP_INVALID', 'dht.bootstrap[1]', 4);
    assert.ok(err.message.includes(JSON.stringify(bad)), err.message);
  }
});

test('several semantic problems are reported together, with the most fundamental code', async () => {
  const err = await rejects(parse(yaml(
    'listen: ["localhost"]',
    'dht:',
    '  bootstrap: ["x"]',
    'zones:',
    '  a:',
    '    passphrase_env: MISSING',
  )), 'WHEREZ_CONFIG_INVALID', 'listen[0]', 1);
  assert.match(err.message, /^WHEREZ_CONFIG_INVALID: 3 problems in zones\.yaml\n/);
  assert.match(err.message, /zones\.yaml:3: dht\.bootstrap\[0\]: /);
  assert.match(err.message, /zones\.yaml:6: zones\.a\.passphrase_env: environment variable MISSING is unset or empty/);
  const b = await rejects(parse(yaml('dht:', '  bootstrap: ["x"]', 'zones:', '  a:', '    passphrase_env: M')),
    'WHEREZ_BOOTSTRAP_INVALID', 'dht.bootstrap[0]', 2);
  assert.match(b.message, /zones\.a\.passphrase_env/);
});
