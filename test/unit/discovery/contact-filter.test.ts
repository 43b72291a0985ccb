import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressScope, normalizeIp, sourcePrefix } from '../../../src/net/address-class.js';
import { contactVerdict } from '../../../src/discovery/contact-filter.js';

test('address scopes', () => {
  const cases: Array<[string, string | null]> = [
    ['0.0.0.0', 'never'], ['0.1.2.3', 'never'], ['224.1.1.1', 'never'], ['239.255.255.250', 'never'],
    ['255.255.255.255', 'never'], ['240.0.0.1', 'never'], ['::', 'never'], ['ff02::1', 'never'],
    ['127.0.0.1', 'loopback'], ['127.9.9.9', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'],
    ['10.0.0.1', 'private'], ['172.16.5.5', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'],
    ['fd00::1', 'private'], ['198.18.0.1', 'private'], ['192.0.2.1', 'private'],
    ['8.8.8.8', 'public'], ['1.2.3.4', 'public'], ['2001:4860::8888', 'public'], ['172.32.0.1', 'public'],
    ['not-an-ip', null], ['127.1', null], ['0x7f.0.0.1', null], ['', null], ['1.2.3.256', null],
  ];
  for (const [host, want] of cases) assert.equal(addressScope(host), want, host);
});

test('a public DHT node can name only public hosts', () => {
  const from = '203.0.114.9'; // outside TEST-NET-3: public
  assert.equal(addressScope(from), 'public');
  assert.equal(contactVerdict({ host: '8.8.4.4', port: 6881 }, from), 'dial');
  for (const host of ['127.0.0.1', '169.254.0.1', '10.1.2.3', '192.168.0.10', '100.64.1.1', '::1']) {
    assert.equal(contactVerdict({ host, port: 6881 }, from), 'out-of-scope', host);
  }
  assert.equal(contactVerdict({ host: '127.0.0.1', port: 6881 }, null), 'out-of-scope', 'unknown source counts as public');
});

test('a LAN node may name LAN and public hosts, never loopback or link-local', () => {
  assert.equal(contactVerdict({ host: '10.0.0.7', port: 1 }, '10.0.0.2'), 'dial');
  assert.equal(contactVerdict({ host: '192.168.3.3', port: 1 }, '10.0.0.2'), 'dial');
  assert.equal(contactVerdict({ host: '9.9.9.9', port: 1 }, '10.0.0.2'), 'dial');
  assert.equal(contactVerdict({ host: '127.0.0.1', port: 1 }, '10.0.0.2'), 'out-of-scope');
  assert.equal(contactVerdict({ host: '169.254.9.9', port: 1 }, '10.0.0.2'), 'out-of-scope');
});

test('a loopback DHT (tests, wherez testnet) may name anything dialable', () => {
  for (const host of ['127.0.0.5', '169.254.0.1', '10.0.0.1', '8.8.8.8']) {
    assert.equal(contactVerdict({ host, port: 4000 }, '127.0.0.1'), 'dial', host);
  }
});

test('garbage is garbage whatever the source', () => {
  for (const c of [{ host: '0.0.0.0', port: 1 }, { host: '224.0.0.1', port: 1 }, { host: '255.255.255.255', port: 1 },
    { host: '127.0.0.1', port: 0 }, { host: '8.8.8.8', port: 70000 }, { host: 'x', port: 1 }]) {
    assert.equal(contactVerdict(c, '127.0.0.1'), 'garbage', `${c.host}:${c.port}`);
  }
});

test('normalised addresses and source prefixes', () => {
  assert.equal(normalizeIp('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(normalizeIp('0:0::1'), '::1');
  assert.equal(normalizeIp('nope'), null);
  assert.equal(sourcePrefix('10.1.2.3'), '10.1.2.0/24');
  assert.equal(sourcePrefix('::ffff:10.1.2.3'), '10.1.2.0/24');
  assert.equal(sourcePrefix('2001:db8:1:ab12::5'), '2001:db8:1:ab00::/56');
  assert.equal(sourcePrefix('nope'), null);
});
