import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { FLAG, RCODE } from '../../../src/dns/dns-codes.js';
import { walkRecords } from '../../../src/dns/wire-read.js';
import { query } from '../../helpers/dns-client.js';
import { MemoryZones, NOW, peers } from '../../helpers/dns-zones.js';
import { hasFlag, makeResponder, rcode } from '../../helpers/dns-responder.js';

type Rec = { type: string; name: string; ttl?: number; data?: unknown };
const soaOf = (p: dnsPacket.Packet) => (p.authorities ?? [])[0] as Rec & { data: { minimum: number } };
const txt = (r: Rec | undefined) => (r?.data as Buffer[]).map((b) => b.toString());

test('SRV: one record per peer, priority 0 weight 0, host-name targets, addresses in additional, AA', async () => {
  const zones = new MemoryZones({ ldap: { peers: [...peers(2), { host: '2001:db8::7', port: 636, expiresAt: NOW + 60_000 }] } });
  const { ask } = makeResponder(zones);
  const { raw, p } = await ask(query('_ldap._wherez.local', 'SRV'));
  assert.equal(rcode(raw), RCODE.NOERROR);
  assert.ok(hasFlag(raw, FLAG.AA) && !hasFlag(raw, FLAG.RA) && hasFlag(raw, FLAG.RD));
  assert.deepEqual(p.answers?.map((a) => (a as Rec).data), [
    { priority: 0, weight: 0, port: 8000, target: 'h-10-0-0-1._wherez.local' },
    { priority: 0, weight: 0, port: 8001, target: 'h-10-0-0-2._wherez.local' },
    { priority: 0, weight: 0, port: 636, target: 'h-2001-0db8-0000-0000-0000-0000-0000-0007._wherez.local' },
  ]);
  assert.deepEqual(p.additionals?.map((a) => [a.type, a.name, (a as Rec).data]), [
    ['A', 'h-10-0-0-1._wherez.local', '10.0.0.1'],
    ['A', 'h-10-0-0-2._wherez.local', '10.0.0.2'],
    ['AAAA', 'h-2001-0db8-0000-0000-0000-0000-0000-0007._wherez.local', '2001:db8::7'],
  ]);
});

test('SRV targets are never compressed, owner names are', async () => {
  const { ask } = makeResponder(new MemoryZones({ ldap: { peers: peers(5) } }));
  const { raw, p } = await ask(query('_ldap._wherez.local', 'SRV'));
  const rrs = walkRecords(raw, 12 + 21 + 4);
  assert.ok(rrs);
  for (const [i, rr] of rrs.filter((r) => r.type === 33).entries()) {
    const target = (p.answers?.[i] as Rec & { data: { target: string } }).data.target;
    assert.equal(rr.rdataEnd - rr.rdataStart, 6 + target.length + 2, 'full target bytes, no pointer');
    assert.equal(raw[rr.nameStart], 0xc0, 'owner is a pointer to the question');
  }
});

test('TTL = max(0, min(zone ttl, maxTtl, seconds to expiry)); an RRset takes its shortest member', async () => {
  const zones = new MemoryZones({ ldap: { ttl: 30, peers: [
    { host: '10.0.0.1', port: 1, expiresAt: NOW + 12_900 },
    { host: '10.0.0.2', port: 2, expiresAt: NOW + 600_000 },
  ] } });
  const { ask, clock } = makeResponder(zones, { maxTtl: 20 });
  let { p } = await ask(query('_ldap._wherez.local', 'SRV'));
  assert.deepEqual(p.answers?.map((a) => (a as Rec).ttl), [12, 12]);
  assert.deepEqual(p.additionals?.map((a) => (a as Rec).ttl), [12, 20], 'each host name keeps its own TTL');
  ({ p } = await ask(query('i-10-0-0-2-2._ldap._wherez.local', 'SRV')));
  assert.equal((p.answers?.[0] as Rec).ttl, 20, 'capped by maxTtl');
  clock.now = NOW + 13_000;
  ({ p } = await ask(query('h-10-0-0-1._wherez.local', 'A')));
  assert.equal((p.answers?.[0] as Rec).ttl, 0, 'past its deadline: not cacheable');
});

test('a stale zone answers with short TTLs and says so in TXT', async () => {
  const zones = new MemoryZones({ ldap: { ttl: 60, stale: true, peers: peers(3) } });
  const { ask } = makeResponder(zones);
  let { p } = await ask(query('_ldap._wherez.local', 'SRV'));
  assert.ok(p.answers?.every((a) => (a as Rec).ttl === 5));
  ({ p } = await ask(query('_ldap._wherez.local', 'TXT')));
  assert.deepEqual(txt(p.answers?.[0] as Rec), ['peers=3', 'stale=1']);
  assert.equal((p.answers?.[0] as Rec).ttl, 5);
});

test('a stale zone whose peers are past their re-verification deadline still answers with the stale TTL, not 0', async () => {
  // While discovery is down, failed re-verifications keep peers without moving their deadline.
  const zones = new MemoryZones({ ldap: { ttl: 60, stale: true, peers: peers(2, -20_000) } });
  const { ask } = makeResponder(zones);
  for (const [name, type] of [['_ldap._wherez.local', 'SRV'], ['_ldap._wherez.local', 'A'], ['h-10-0-0-1._wherez.local', 'A'], ['_ldap._wherez.local', 'PTR']]) {
    const { p } = await ask(query(name as string, type as string));
    assert.ok((p.answers?.length ?? 0) > 0, `${name} ${type}`);
    assert.ok(p.answers?.every((a) => (a as Rec).ttl === 5), `${name} ${type}: stale TTL`);
  }
});

test('unknown names are NXDOMAIN, existing names without the type NODATA, both with the SOA', async () => {
  const zones = new MemoryZones({ ldap: { peers: peers(1) }, empty: {} });
  const { ask } = makeResponder(zones, { negativeTtl: 7 });
  const cases: [string, string, number][] = [
    ['_nope._wherez.local', 'SRV', RCODE.NXDOMAIN],
    ['www._wherez.local', 'A', RCODE.NXDOMAIN],
    ['h-10-9-9-9._wherez.local', 'A', RCODE.NXDOMAIN],
    ['i-10-0-0-1-9999._ldap._wherez.local', 'SRV', RCODE.NXDOMAIN],
    ['x.h-10-0-0-1._wherez.local', 'A', RCODE.NXDOMAIN],
    ['_empty._wherez.local', 'SRV', RCODE.NOERROR],
    ['_empty._wherez.local', 'A', RCODE.NOERROR],
    ['_ldap._wherez.local', 'MX', RCODE.NOERROR],
    ['_ldap._wherez.local', 'UNKNOWN_65280', RCODE.NOERROR],
    ['_ldap._wherez.local', 'AAAA', RCODE.NOERROR],
    ['h-10-0-0-1._wherez.local', 'AAAA', RCODE.NOERROR],
    ['_wherez.local', 'A', RCODE.NOERROR],
    ['_dns-sd._udp._wherez.local', 'PTR', RCODE.NOERROR],
    ['_udp._wherez.local', 'PTR', RCODE.NOERROR],
  ];
  for (const [name, type, expected] of cases) {
    const { raw, p } = await ask(query(name, type));
    assert.equal(rcode(raw), expected, `${type} ${name}`);
    assert.equal(p.answers?.length, 0, `${type} ${name}`);
    const soa = soaOf(p);
    assert.equal(soa.type, 'SOA');
    assert.equal(soa.name, '_wherez.local');
    assert.equal(soa.data.minimum, 7);
    assert.equal(soa.ttl, 7);
  }
  const { p } = await ask(query('_empty._wherez.local', 'TXT'));
  assert.deepEqual(txt(p.answers?.[0] as Rec), ['peers=0', 'stale=0'], 'a configured label always has its TXT');
});

test('apex SOA; host names answer A/AAAA for addresses some zone lists', async () => {
  const zones = new MemoryZones({ a: { peers: [{ host: '::ffff:10.0.0.9', port: 1, expiresAt: NOW + 9_000 }] },
    b: { peers: [{ host: '10.0.0.9', port: 2, expiresAt: NOW + 20_000 }, { host: '2001:db8::1', port: 3, expiresAt: NOW + 20_000 }] } });
  const { ask } = makeResponder(zones);
  let { p } = await ask(query('_wherez.local', 'SOA'));
  assert.deepEqual((p.answers?.[0] as Rec).data, { mname: 'ns._wherez.local', rname: 'hostmaster._wherez.local',
    serial: Math.floor(NOW / 1000), refresh: 3600, retry: 600, expire: 86400, minimum: 5 });
  ({ p } = await ask(query('h-10-0-0-9._wherez.local', 'A')));
  assert.deepEqual(p.answers?.map((a) => [(a as Rec).data, (a as Rec).ttl]), [['10.0.0.9', 20]], 'deduped, longest-lived entry');
  ({ p } = await ask(query('h-2001-0db8-0000-0000-0000-0000-0000-0001._wherez.local', 'AAAA')));
  assert.equal((p.answers?.[0] as Rec).data, '2001:db8::1');
  ({ p } = await ask(query('_b._wherez.local', 'A')));
  assert.deepEqual(p.answers?.map((a) => (a as Rec).data), ['10.0.0.9']);
});

test('DNS-SD: service types, instances with SRV and TXT', async () => {
  const zones = new MemoryZones({ ldap: { peers: peers(2) }, web: {} });
  const { ask } = makeResponder(zones);
  let { p } = await ask(query('_services._dns-sd._udp._wherez.local', 'PTR'));
  // RFC 6763 7: service types are `_<service>._tcp|_udp` (the `_<label>` short names are not listed).
  assert.deepEqual(p.answers?.map((a) => (a as Rec).data), ['_ldap._tcp._wherez.local', '_web._tcp._wherez.local']);
  ({ p } = await ask(query('_ldap._wherez.local', 'PTR')));
  assert.deepEqual(p.answers?.map((a) => (a as Rec).data), ['i-10-0-0-1-8000._ldap._wherez.local', 'i-10-0-0-2-8001._ldap._wherez.local']);
  assert.deepEqual(p.additionals?.map((a) => `${a.type} ${a.name}`), [
    'SRV i-10-0-0-1-8000._ldap._wherez.local', 'SRV i-10-0-0-2-8001._ldap._wherez.local',
    'TXT i-10-0-0-1-8000._ldap._wherez.local', 'TXT i-10-0-0-2-8001._ldap._wherez.local',
    'A h-10-0-0-1._wherez.local', 'A h-10-0-0-2._wherez.local',
  ]);
  ({ p } = await ask(query('i-10-0-0-2-8001._ldap._wherez.local', 'TXT')));
  assert.deepEqual(txt(p.answers?.[0] as Rec), ['stale=0']);
});

test('ANY gets one RRset (RFC 8482): the SRV set of a service, the SOA at the apex', async () => {
  const { ask } = makeResponder(new MemoryZones({ ldap: { peers: peers(2) } }));
  let { p } = await ask(query('_ldap._wherez.local', 'ANY'));
  assert.deepEqual(p.answers?.map((a) => a.type), ['SRV', 'SRV']);
  ({ p } = await ask(query('_wherez.local', 'ANY')));
  assert.deepEqual(p.answers?.map((a) => a.type), ['SOA']);
});

test('names that cannot be built and unusable peers are left out, never crash', async () => {
  const long = 'a'.repeat(63);
  const zones = new MemoryZones({ [long]: { peers: peers(1) }, ldap: { peers: [
    { host: 'not-an-ip', port: 1, expiresAt: NOW + 1e5 }, { host: '10.0.0.1', port: 0, expiresAt: NOW + 1e5 },
    { host: 'fe80::1%eth0', port: 1, expiresAt: NOW + 1e5 }, { host: '10.0.0.2', port: 2, expiresAt: NaN }] } });
  const { ask, counters } = makeResponder(zones);
  let { p } = await ask(query('_services._dns-sd._udp._wherez.local', 'PTR'));
  assert.deepEqual(p.answers?.map((a) => (a as Rec).data), ['_ldap._tcp._wherez.local'], 'a 63-character label is no service name');
  ({ p } = await ask(query('_ldap._wherez.local', 'SRV')));
  assert.deepEqual(p.answers?.map((a) => [(a as Rec & { data: { port: number } }).data.port, (a as Rec).ttl]), [[2, 0]]);
  assert.equal(counters.internalErrors, 0);
});
