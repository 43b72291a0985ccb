import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCidr, parseCidr } from '../../../src/net/cidr.js';
import { addressesOverlap, canonicalIp, formatEndpoint, parseEndpoint, type EndpointRules } from '../../../src/net/endpoint.js';

const ip53 = { defaultPort: 53, minPort: 0 };
const hostPort = (text: string, rules: EndpointRules = ip53) => {
  const v = parseEndpoint(text, rules).value;
  return v && { host: v.host, port: v.port, portGiven: v.portGiven };
};

test('parseEndpoint: IPv4 and IPv6 literals, the port defaulting when allowed', () => {
  assert.deepEqual(hostPort('127.0.0.1'), { host: '127.0.0.1', port: 53, portGiven: false });
  assert.deepEqual(hostPort('127.0.0.1:5300'), { host: '127.0.0.1', port: 5300, portGiven: true });
  assert.deepEqual(hostPort('[::1]'), { host: '::1', port: 53, portGiven: false });
  assert.deepEqual(hostPort('[::1]:0'), { host: '::1', port: 0, portGiven: true });
  assert.deepEqual(hostPort('[fe80::1%eth0]:53', { defaultPort: 53, minPort: 1 }), { host: 'fe80::1%eth0', port: 53, portGiven: true });
  for (const bad of ['localhost', 'localhost:53', '1.2.3', '[1.2.3.4]:53', '1.2.3.4:', '1.2.3.4:65536', '::1:53x', '[::1]:x']) {
    assert.ok(parseEndpoint(bad, ip53).error, bad);
  }
  assert.match(parseEndpoint('1.2.3.4:0', { defaultPort: 53, minPort: 1 }).error ?? '', /port must be 1-65535/);
});

test('a bare IPv6 address is an address without a port: "::1" is never [::1]:1', () => {
  for (const text of ['::1', '2001:db8::53', 'fe80::1%eth0', '::']) {
    assert.deepEqual(hostPort(text), { host: text, port: 53, portGiven: false }, text);
    assert.match(parseEndpoint(text, { minPort: 1 }).error ?? '', /needs a port/, text);
  }
});

test('host names only where asked for; the port then required unless defaulted', () => {
  const names = { hostNames: true, minPort: 1 };
  assert.deepEqual(hostPort('router.example.org:6881', names), { host: 'router.example.org', port: 6881, portGiven: true });
  assert.deepEqual(hostPort('[::1]:6881', names), { host: '::1', port: 6881, portGiven: true });
  for (const bad of ['router.example', 'router.example:0', 'router.example:65536', '[::1]', '[host]:1', 'a b:1', '-x:1', '1.2.3:1']) {
    assert.ok(parseEndpoint(bad, names).error, bad);
  }
});

test('formatEndpoint brackets IPv6 only, and round-trips through parseEndpoint', () => {
  for (const e of [{ host: '127.0.0.1', port: 53 }, { host: '::1', port: 5300 }, { host: 'fe80::1%eth0', port: 1 }, { host: 'example.org', port: 6881 }]) {
    const text = formatEndpoint(e);
    const back = parseEndpoint(text, { hostNames: true }).value;
    assert.deepEqual(back && { host: back.host, port: back.port }, e, text);
  }
  assert.equal(formatEndpoint({ host: '::1', port: 53 }), '[::1]:53');
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

test('parseCidr: networks, bare addresses, bad prefixes (ipaddr.js decides what an address is)', () => {
  const cidr = (t: string) => { const p = parseCidr(t); return p.value && formatCidr(p.value); };
  assert.equal(cidr('10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(cidr('fd00::/8'), 'fd00::/8');
  assert.equal(cidr('192.168.1.7'), '192.168.1.7/32');
  assert.equal(cidr('::1'), '::1/128');
  assert.equal(cidr('0.0.0.0/0'), '0.0.0.0/0');
  assert.deepEqual(parseCidr('::ffff:10.0.0.1/104').value, { address: '::ffff:10.0.0.1', prefix: 104, family: 'ipv6' });
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', 'example.com/8', '10.0.0.0/+8', 'fe80::1%eth0/64', '10.1/16', '012.0.0.1/8', '0x7f.0.0.1']) {
    assert.ok(parseCidr(bad).error, bad);
  }
});
