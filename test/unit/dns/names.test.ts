import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipFromLabel, parseIp } from '../../../src/dns/ip.js';
import { classifyHostZoneName, classifyName, hostName, instanceName, isServiceName, isValidName, serviceName, zoneName } from '../../../src/dns/names.js';

const ZONE = ['_wherez', 'local'];
const cls = (name: string) => classifyName(name.split('.'), ZONE);

test('IPv4 and IPv6 label forms are canonical and reversible', () => {
  assert.equal(parseIp('10.0.0.5')?.label, '10-0-0-5');
  assert.equal(parseIp('2001:db8::1')?.label, '2001-0db8-0000-0000-0000-0000-0000-0001');
  assert.equal(parseIp('::')?.label, '0000-0000-0000-0000-0000-0000-0000-0000');
  assert.equal(parseIp('::1')?.bytes.toString('hex'), '00000000000000000000000000000001');
  assert.equal(parseIp('64:ff9b::192.0.2.33')?.label, '0064-ff9b-0000-0000-0000-0000-c000-0221');
  // IPv4-mapped addresses are the IPv4 address they carry.
  assert.deepEqual(parseIp('::ffff:10.1.2.3'), parseIp('10.1.2.3'));
  for (const bad of ['', '10.0.0', '10.0.0.256', 'fe80::1%eth0', 'example.com', '1::2::3']) assert.equal(parseIp(bad), null, bad);
  for (const text of ['192.168.1.20', '2001:db8:85a3::8a2e:370:7334', 'fe80::1']) {
    const ip = parseIp(text);
    assert.ok(ip);
    assert.deepEqual(ipFromLabel(ip.label), ip);
  }
  // Only the canonical form names an address: one address, one name.
  for (const bad of ['010-0-0-5', '10-0-0', '10-0-0-256', '2001-db8-0-0-0-0-0-1', '0000-0000-0000-0000-0000-ffff-0a01-0203', '2001-0DB8-0000-0000-0000-0000-0000-0001']) {
    assert.equal(ipFromLabel(bad), null, bad);
  }
});

test('query names classify by their place under _wherez.<domain>', () => {
  assert.deepEqual(cls('_wherez.local'), { kind: 'apex' });
  assert.deepEqual(cls('example.com'), { kind: 'outside' });
  assert.deepEqual(cls('local'), { kind: 'outside' });
  assert.deepEqual(cls('_wherez.other'), { kind: 'outside' });
  assert.deepEqual(cls('_ldap._wherez.local'), { kind: 'service', label: 'ldap' });
  assert.deepEqual(cls('_services._dns-sd._udp._wherez.local'), { kind: 'services' });
  assert.deepEqual(cls('_dns-sd._udp._wherez.local'), { kind: 'ent' });
  assert.deepEqual(cls('h-10-0-0-5._wherez.local'), { kind: 'host', addr: parseIp('10.0.0.5') });
  assert.deepEqual(cls('i-10-0-0-5-8080._ldap._wherez.local'), { kind: 'instance', label: 'ldap', addr: parseIp('10.0.0.5'), port: 8080 });
  assert.deepEqual(cls('i-2001-0db8-0000-0000-0000-0000-0000-0001-443._web._wherez.local'),
    { kind: 'instance', label: 'web', addr: parseIp('2001:db8::1'), port: 443 });
  assert.deepEqual(cls('db._wherez.local'), { kind: 'label-host', label: 'db' });
  assert.deepEqual(cls('_tcp.db._wherez.local'), { kind: 'label-host', label: 'db', proto: 'tcp' });
  assert.deepEqual(cls('ns._wherez.local'), { kind: 'ns' });
  assert.deepEqual(cls('_ldap._tcp._wherez.local'), { kind: 'type', service: 'ldap', proto: 'tcp' });
  assert.deepEqual(cls('_kerberos._udp._wherez.local'), { kind: 'type', service: 'kerberos', proto: 'udp' });
  assert.deepEqual(cls('_mongodb._tcp.db._wherez.local'), { kind: 'label-type', service: 'mongodb', proto: 'tcp', label: 'db' });
  assert.deepEqual(cls('i-10-0-0-5-389._ldap._tcp._wherez.local'),
    { kind: 'type-instance', service: 'ldap', proto: 'tcp', addr: parseIp('10.0.0.5'), port: 389 });
  for (const which of ['b', 'db', 'lb']) assert.deepEqual(cls(`${which}._dns-sd._udp._wherez.local`), { kind: 'browse', which });
  assert.deepEqual(cls('_tcp._wherez.local'), { kind: 'service', label: 'tcp' }, 'a label first; the answer decides (ENT)');
  for (const unknown of ['_._wherez.local', '_ldap._sctp.x._wherez.local', 'x._ldap._tcp._wherez.local', 'r._dns-sd._udp._wherez.local', 'h-10-0-0._wherez.local', 'i-10-0-0-5-0._ldap._wherez.local',
    'i-10-0-0-5-65536._ldap._wherez.local', 'i-10-0-0-5._ldap._wherez.local', 'x._ldap._wherez.local', 'a.b.c.d._wherez.local']) {
    assert.deepEqual(cls(unknown), { kind: 'unknown' }, unknown);
  }
  assert.deepEqual(classifyName(['_ldap', '_wherez', 'home', 'arpa'], ['_wherez', 'home', 'arpa']), { kind: 'service', label: 'ldap' });
});

test('built names are validated; one that cannot be built is null, never a corrupt name', () => {
  const zone = zoneName('Local.');
  assert.equal(zone, '_wherez.local');
  assert.equal(zoneName('bad_domain'), null);
  assert.equal(zoneName(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}`), null);
  assert.equal(serviceName('ldap', '_wherez.local'), '_ldap._wherez.local');
  assert.equal(serviceName('a'.repeat(62), '_wherez.local')?.length, 63 + 14);
  assert.equal(serviceName('a'.repeat(63), '_wherez.local'), null); // `_` + 63 bytes is a 64-byte label
  assert.equal(serviceName('-x', '_wherez.local'), null);
  const v6 = parseIp('2001:db8::1');
  assert.ok(v6);
  assert.equal(hostName(v6, '_wherez.local'), 'h-2001-0db8-0000-0000-0000-0000-0000-0001._wherez.local');
  assert.equal(instanceName(v6, 65535, 'ldap', '_wherez.local'), 'i-2001-0db8-0000-0000-0000-0000-0000-0001-65535._ldap._wherez.local');
  const longZone = `_wherez.${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(40)}`;
  assert.ok(isValidName(longZone));
  assert.equal(instanceName(v6, 443, 'ldap', longZone), null);
  assert.equal(isValidName('a..b'), false);
  assert.equal(isValidName(`${'a'.repeat(63)}.b`), true);
  assert.equal(isValidName(`${'a'.repeat(64)}.b`), false);
});

test('the underscore-free host zone holds its apex, ns and h-<address> names only', () => {
  const hz = ['peers', 'example', 'internal'];
  const hcls = (name: string) => classifyHostZoneName(name.split('.'), hz);
  assert.deepEqual(hcls('peers.example.internal'), { kind: 'apex' });
  assert.deepEqual(hcls('ns.peers.example.internal'), { kind: 'ns' });
  assert.deepEqual(hcls('h-10-0-0-5.peers.example.internal'), { kind: 'host', addr: parseIp('10.0.0.5') });
  for (const name of ['db.peers.example.internal', '_ldap._tcp.peers.example.internal', 'h-10-0-0.peers.example.internal', 'x.h-10-0-0-5.peers.example.internal']) {
    assert.deepEqual(hcls(name), { kind: 'unknown' }, name);
  }
  assert.deepEqual(hcls('example.internal'), { kind: 'outside' });
});

test('RFC 6335 service names: 1-15 characters, a letter, inner single hyphens', () => {
  for (const ok of ['ldap', 'kerberos', 'mongodb', 'x', 'a-b-c', '1c-server', 'abcdefghijklmno']) assert.ok(isServiceName(ok), ok);
  for (const bad of ['', '123', '-ldap', 'ldap-', 'a--b', 'abcdefghijklmnop', 'LDAP', 'a_b', 'a.b']) assert.ok(!isServiceName(bad), bad);
});
