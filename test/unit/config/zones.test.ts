import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, rejects, yaml } from './harness.js';

const z = (label: string, ...lines: string[]) => [`  ${label}:`, '    passphrase: x', ...lines.map((l) => `    ${l}`)];
/** A zone with a passphrase of its own. */
const zp = (label: string, ...lines: string[]) => [`  ${label}:`, `    passphrase: secret of ${label}`, ...lines.map((l) => `    ${l}`)];

test('zones keep file order and may be empty', async () => {
  assert.deepEqual((await parse('zones: {}\n')).config.zones, []);
  const { config } = await parse(yaml('zones:', ...z('b'), ...z('a')));
  assert.deepEqual(config.zones.map((x) => x.label), ['b', 'a']);
});

test('v2 zones may share an auth port; two v1-speaking zones on one port are an error with its line (0 = ephemeral may repeat)', async () => {
  const shared = await parse(yaml('zones:', ...zp('a', 'announce: 1', 'auth_port: 40001'), ...zp('b', 'announce: 2', 'auth_port: 40001'),
    ...zp('c', 'announce: 3', 'auth_port: 40001', 'protocol: both')));
  assert.deepEqual(shared.config.zones.map((x) => x.authPort), [40001, 40001, 40001]);
  const err = await rejects(parse(yaml('zones:', ...zp('a', 'announce: 1', 'auth_port: 40001', 'protocol: v1'),
    ...zp('b', 'announce: 2', 'auth_port: 40001', 'protocol: both'))),
  'WHEREZ_CONFIG_INVALID', 'zones.b.auth_port', 10);
  assert.match(err.message, /already the auth_port of zone a, which speaks v1 too: v1 has no zone hint/);
  const ok = await parse(yaml('zones:', ...zp('a', 'announce: 1', 'auth_port: 0', 'protocol: v1'), ...zp('b', 'announce: 2', 'auth_port: 0', 'protocol: both')));
  assert.deepEqual(ok.config.zones.map((x) => x.authPort), [0, 0]);
});

test('two v2 zones with one passphrase on one auth port are an error: the hint cannot tell them apart', async () => {
  const err = await rejects(parse(yaml('zones:', ...z('a', 'announce: 1', 'auth_port: 40001'), ...z('b', 'announce: 2', 'auth_port: 40001'))),
    'WHEREZ_CONFIG_INVALID', 'zones.b.auth_port', 9);
  assert.match(err.message, /zone a on the same auth port has the same passphrase/);
  assert.doesNotMatch(err.message, /passphrase: x|"x"/);
  await rejects(parse(yaml('zones:', ...z('a', 'announce: 1', 'auth_port: 0'), ...z('b', 'announce: 2', 'auth_port: 0'))), 'WHEREZ_CONFIG_INVALID', 'zones.b.auth_port', 9);
  await parse(yaml('zones:', ...z('a', 'announce: 1', 'auth_port: 40001'), ...z('b', 'announce: 2', 'auth_port: 40002')));
});

test('auth_port may equal dht.port (UDP vs TCP), as in the Go wherez', async () => {
  const { config } = await parse(yaml('dht:', '  port: 40001', 'zones:', ...z('a', 'announce: 1', 'auth_port: 40001')));
  assert.equal(config.zones[0]?.authPort, config.dht.port);
});

test('auth_port must not collide with a DNS TCP listener on an overlapping address', async () => {
  const err = await rejects(parse(yaml('listen: ["127.0.0.1:5300"]', 'zones:', ...z('a', 'announce: 1', 'auth_port: 5300'))),
    'WHEREZ_CONFIG_INVALID', 'zones.a.auth_port', 6);
  assert.match(err.message, /TCP 0\.0\.0\.0:5300 collides with the DNS listener listen\[0\]/);
  await parse(yaml('listen: ["127.0.0.1:5300"]', 'dht: { bind: 10.0.0.1 }', 'zones:', ...z('a', 'announce: 1', 'auth_port: 5300')));
});

test('warnings: auth_port without announce, ttl above max_ttl', async () => {
  const { warnings } = await parse(yaml('max_ttl: 20', 'zones:', ...z('a', 'auth_port: 40001', 'ttl: 30')));
  const rest = warnings.filter((w) => !w.includes('inline'));
  assert.deepEqual(rest, [
    'zones.yaml:5: zones.a.auth_port: unused without announce: peers only probe the auth port of hosts that announce',
    'zones.yaml:6: zones.a.ttl: exceeds max_ttl (20); answers are capped at 20',
  ]);
});

test('zone labels are at most 62 characters: the DNS label `_<label>` must fit in 63 bytes', async () => {
  const ok = 'a'.repeat(62);
  assert.equal((await parse(yaml('zones:', ...z(ok)))).config.zones[0]?.label, ok);
  const err = await rejects(parse(yaml('zones:', ...z('a'.repeat(63)))), 'WHEREZ_CONFIG_INVALID', 'zones', 2);
  assert.match(err.message, /1-62 characters/);
});

test('metrics: off by default; IP:port with an explicit port; never on a DNS listener', async () => {
  assert.equal((await parse('zones: {}\n')).config.metrics, undefined);
  assert.deepEqual((await parse('metrics: "127.0.0.1:9153"\n')).config.metrics, { host: '127.0.0.1', port: 9153 });
  const noPort = await rejects(parse('metrics: "127.0.0.1"\n'), 'WHEREZ_CONFIG_INVALID', 'metrics', 1);
  assert.match(noPort.message, /give the port too/);
  await rejects(parse(yaml('listen: ["127.0.0.1:5300"]', 'metrics: "127.0.0.1:5300"')), 'WHEREZ_CONFIG_INVALID', 'metrics', 2);
});

test('service and proto: RFC 6335 service name (default the label), tcp or udp (default tcp)', async () => {
  const { config, warnings } = await parse(yaml('zones:', ...z('ldap'), ...z('kdc', 'service: kerberos', 'proto: udp'),
    ...z('directory-servers-east', 'proto: tcp')));
  assert.deepEqual(config.zones.map((x) => [x.label, x.service, x.proto]),
    [['ldap', 'ldap', 'tcp'], ['kdc', 'kerberos', 'udp'], ['directory-servers-east', undefined, 'tcp']]);
  assert.ok(warnings.some((w) => /^zones\.yaml:8: zones\.directory-servers-east: label is no RFC 6335 service name.*set service/.test(w)), warnings.join('\n'));
  for (const [bad, line] of [['service: LDAP', 4], ['service: a--b', 4], ['service: sixteen-chars-xx', 4], ['service: "123"', 4]] as const) {
    const err = await rejects(parse(yaml('zones:', ...z('a', bad))), 'WHEREZ_CONFIG_INVALID', 'zones.a.service', line);
    assert.match(err.message, /RFC 6335 service name/);
  }
  await rejects(parse(yaml('zones:', ...z('a', 'proto: sctp'))), 'WHEREZ_CONFIG_INVALID', 'zones.a.proto', 4);
});

test('host_domain: an underscore-free DNS name, lower-cased; containing _wherez.<domain> warns', async () => {
  assert.equal((await parse('host_domain: Peers.Example.Internal\n')).config.hostDomain, 'peers.example.internal');
  assert.equal((await parse('')).config.hostDomain, undefined);
  await rejects(parse('host_domain: _wherez.internal\n'), 'WHEREZ_CONFIG_INVALID', 'host_domain', 1);
  const { warnings } = await parse(yaml('domain: corp.internal', 'host_domain: internal'));
  assert.match(warnings.join('\n'), /zones\.yaml:2: host_domain: contains _wherez\.corp\.internal: every other name under internal is answered NXDOMAIN/);
});

test('every name a zone answers must fit: the label\'s and the service type\'s DNS-SD instances', async () => {
  const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(59)}`; // _wherez.<domain>: 195 characters
  await parse(yaml(`domain: ${domain}`, 'zones:', ...z('a', 'service: x')));
  const err = await rejects(parse(yaml(`domain: ${domain}`, 'zones:', ...z('a', 'service: kerberos', 'proto: udp'))),
    'WHEREZ_CONFIG_INVALID', 'zones.a.service', 5);
  assert.match(err.message, /i-<IPv6>-<port>\._kerberos\._udp\._wherez\.<domain> would have 258 characters/);
  await rejects(parse(yaml(`domain: ${domain}`, 'zones:', ...z('a'.repeat(10)))), 'WHEREZ_CONFIG_INVALID', 'zones.aaaaaaaaaa', 3);
});
