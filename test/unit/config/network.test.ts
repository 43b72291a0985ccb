import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOOPBACK_BOOTSTRAP, parse, rejects, yaml } from './harness.js';

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

test('dht.bind must be an IPv4 literal (the DHT socket is udp4: "::" would fail to bind with EINVAL)', async () => {
  await rejects(parse(yaml('dht:', '  bind: localhost')), 'WHEREZ_CONFIG_INVALID', 'dht.bind', 2);
  await rejects(parse(yaml('dht:', '  bind: "::"')), 'WHEREZ_CONFIG_INVALID', 'dht.bind', 2);
  assert.equal((await parse(yaml('dht:', '  bind: 0.0.0.0'))).config.dht.bind, '0.0.0.0');
});

test('the DHT UDP port must not collide with a DNS listener', async () => {
  const err = await rejects(parse(yaml('listen: ["127.0.0.1:6881"]', 'dht:', '  port: 6881')), 'WHEREZ_CONFIG_INVALID', 'dht.port', 3);
  assert.match(err.message, /collides with the DNS listener listen\[0\]/);
  await parse(yaml('listen: ["127.0.0.1:6881"]', 'dht:', '  bind: 127.0.0.2', '  port: 6881'));
});

test('bootstrap entries go through the one endpoint parser (names allowed, port required); bad ones are WHEREZ_BOOTSTRAP_INVALID', async () => {
  const { config } = await parse(LOOPBACK_BOOTSTRAP);
  assert.deepEqual(config.dht.bootstrap, [{ host: '127.0.0.1', port: 20000 }]);
  assert.deepEqual((await parse('dht: { bootstrap: [] }\n')).config.dht.bootstrap, []);
  for (const bad of ['router.example', 'router.example:0', 'router.example:65536', '[::1]', '[host]:1', 'a b:1']) {
    const err = await rejects(parse(yaml('dht:', '  bootstrap:', '    - 127.0.0.1:1', `    - "${bad}"`)),
      'WHEREZ_BOOTSTRAP_INVALID', 'dht.bootstrap[1]', 4);
    assert.ok(err.message.includes(JSON.stringify(bad)), err.message);
  }
});

test('metrics: a bare IPv6 address has no port ("::1" is not [::1]:1 or [::1]:53); dht.bind is IPv4', async () => {
  const bare = await rejects(parse('metrics: "::1"\n'), 'WHEREZ_CONFIG_INVALID', 'metrics', 1);
  assert.match(bare.message, /give the port too/);
  assert.deepEqual((await parse('metrics: "[::1]:9153"\n')).config.metrics, { host: '::1', port: 9153 });
  const v6 = await rejects(parse(yaml('dht:', '  bind: "::"')), 'WHEREZ_CONFIG_INVALID', 'dht.bind', 2);
  assert.match(v6.message, /IPv4/);
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
