import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, withoutOwnListeners } from '../../../src/config/resolv-conf.js';
import { reachesListener } from '../../../src/net/endpoint.js';
import { readConfigFixture } from './fixture-files.js';
import { parse, rejects, yaml } from './harness.js';

const hosts = (list: readonly { host: string; port: number }[]) => list.map((e) => `${e.host}:${e.port}`);

test('parseResolvConf: systemd-resolved stub', () => {
  assert.deepEqual(parseResolvConf(readConfigFixture('resolv', 'systemd-resolved.conf')), [{ host: '127.0.0.53', port: 53 }]);
});

test('parseResolvConf: comments, tabs, IPv6, scope suffix, duplicates, junk', () => {
  assert.deepEqual(hosts(parseResolvConf(readConfigFixture('resolv', 'mixed.conf'))),
    ['10.0.0.2:53', '2001:db8::53:53', 'fe80::1%eth0:53', '10.0.0.3:53']);
});

test('parseResolvConf: CRLF line ends; empty text', () => {
  assert.deepEqual(hosts(parseResolvConf(readConfigFixture('resolv', 'crlf-loopback.conf'))),
    ['127.0.0.1:53', '::1:53', '0:0:0:0:0:0:0:1:53', '192.0.2.1:53']);
  assert.deepEqual(parseResolvConf(''), []);
});

test('withoutOwnListeners drops nameservers that are this server', () => {
  const servers = parseResolvConf(readConfigFixture('resolv', 'crlf-loopback.conf'));
  assert.deepEqual(hosts(withoutOwnListeners(servers, [{ host: '127.0.0.1', port: 53 }])),
    ['::1:53', '0:0:0:0:0:0:0:1:53', '192.0.2.1:53']);
  assert.deepEqual(hosts(withoutOwnListeners(servers, [{ host: '::1', port: 53 }])), ['127.0.0.1:53', '192.0.2.1:53']);
  // Listening on another port: the system resolver is not us.
  assert.equal(withoutOwnListeners(servers, [{ host: '127.0.0.1', port: 5300 }]).length, 4);
  // A wildcard listener owns loopback nameservers, but not remote ones.
  assert.deepEqual(hosts(withoutOwnListeners(servers, [{ host: '0.0.0.0', port: 53 }])), ['::1:53', '0:0:0:0:0:0:0:1:53', '192.0.2.1:53']);
  assert.deepEqual(hosts(withoutOwnListeners(servers, [{ host: '::', port: 53 }])), ['192.0.2.1:53']);
  // systemd-resolved on 127.0.0.53 is not us when we listen on 127.0.0.1.
  assert.equal(withoutOwnListeners([{ host: '127.0.0.53', port: 53 }], [{ host: '127.0.0.1', port: 53 }]).length, 1);
});

test('omitted upstreams come from resolv.conf minus our listeners', async () => {
  const { config } = await parse(yaml('listen: ["127.0.0.1:53"]'), { resolvConf: readConfigFixture('resolv', 'crlf-loopback.conf') });
  assert.deepEqual(hosts(config.upstreams), ['::1:53', '0:0:0:0:0:0:0:1:53', '192.0.2.1:53']);
});

test('resolv.conf is read through the injected readFile at resolvConfPath, only when needed', async () => {
  const read: string[] = [];
  const readFile = async (p: string) => { read.push(p); return 'nameserver 192.0.2.7\n'; };
  const { config } = await parse('', { resolvConf: undefined, resolvConfPath: '/fixture/resolv.conf', readFile });
  assert.deepEqual(read, ['/fixture/resolv.conf']);
  assert.deepEqual(hosts(config.upstreams), ['192.0.2.7:53']);
  read.length = 0;
  await parse('upstreams: ["192.0.2.8"]\n', { resolvConf: undefined, readFile });
  await parse('forward: false\n', { resolvConf: undefined, readFile });
  assert.deepEqual(read, []);
});

test('forward: false leaves omitted upstreams empty and warns about given ones', async () => {
  assert.deepEqual((await parse('forward: false\n')).config.upstreams, []);
  const { config, warnings } = await parse(yaml('forward: false', 'upstreams: ["192.0.2.1"]'));
  assert.equal(config.upstreams.length, 1);
  assert.deepEqual(warnings, ['zones.yaml:2: upstreams: unused: forward is false, so names outside the zone are refused']);
});

test('forwarding with no usable upstream is an error that says what to do', async () => {
  let err = await rejects(parse('listen: ["127.0.0.1"]\n', { resolvConf: 'nameserver 127.0.0.1\n' }), 'WHEREZ_CONFIG_INVALID', 'upstreams', 1);
  assert.match(err.message, /lists only this server \(127\.0\.0\.1:53\): list upstreams, or set forward: false/);
  err = await rejects(parse('', { resolvConf: '# nothing\n' }), 'WHEREZ_CONFIG_INVALID', 'upstreams', 1);
  assert.match(err.message, /has no nameserver/);
  err = await rejects(parse('', {
    resolvConf: undefined, resolvConfPath: '/nope', readFile: async () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); },
  }), 'WHEREZ_CONFIG_INVALID', 'upstreams', 1);
  assert.match(err.message, /\/nope cannot be read \(ENOENT\)/);
});

test('one own-listener check: canonical addresses, IPv4-mapped IPv6, wildcards reached on this host only', () => {
  const ep = (host: string, port = 53) => ({ host, port });
  assert.equal(reachesListener(ep('::ffff:127.0.0.1'), ep('127.0.0.1')), true, 'a dual-stack view of the same address');
  assert.equal(reachesListener(ep('0:0::1'), ep('::1')), true);
  assert.equal(reachesListener(ep('127.0.0.1', 5300), ep('127.0.0.1')), false, 'another port');
  assert.equal(reachesListener(ep('127.0.0.53'), ep('0.0.0.0')), true, 'loopback reaches a wildcard listener');
  assert.equal(reachesListener(ep('::ffff:127.0.0.53'), ep('0.0.0.0')), true);
  assert.equal(reachesListener(ep('10.0.0.53'), ep('0.0.0.0')), false, 'not one of our addresses');
  assert.equal(reachesListener(ep('10.0.0.53'), ep('0.0.0.0'), new Set(['10.0.0.53'])), true, 'one of our addresses');
  assert.equal(reachesListener(ep('::1'), ep('0.0.0.0')), false, 'an IPv4 wildcard is not reached over IPv6');
  assert.equal(reachesListener(ep('127.0.0.1'), ep('::')), true, ':: is dual-stack on Linux');
});
