import { test } from 'node:test';
import assert from 'node:assert/strict';
import type dnsPacket from 'dns-packet';
import { RCODE } from '../../../src/dns/dns-codes.js';
import { parseIp } from '../../../src/dns/ip.js';
import type { ZoneService } from '../../../src/dns/zone-view.js';
import { query } from '../../helpers/dns-client.js';
import { MemoryZones, NOW, peers } from '../../helpers/dns-zones.js';
import { makeResponder, rcode } from '../../helpers/dns-responder.js';

type Rec = { type: string; name: string; ttl?: number; data?: unknown };
const data = (p: dnsPacket.Packet) => p.answers?.map((a) => (a as Rec).data);
const owners = (rrs: dnsPacket.Answer[] | undefined) => rrs?.map((a) => `${a.type} ${a.name}`);
const txt = (r: Rec | undefined) => (r?.data as Buffer[]).map((b) => b.toString());

/** Two LDAP zones sharing `_ldap._tcp`, a Kerberos zone on UDP, a MongoDB zone labelled `db`. */
function setup(o: { hostZone?: string } = {}) {
  const zones = new MemoryZones({
    ldap: { ttl: 30, peers: [{ host: '10.0.0.1', port: 389, expiresAt: NOW + 20_000 }] },
    ldap2: { ttl: 30, peers: [{ host: '10.0.0.1', port: 389, expiresAt: NOW + 25_000 }, { host: '10.0.0.2', port: 636, expiresAt: NOW + 25_000 }] },
    kdc: { peers: [{ host: '10.0.0.3', port: 88, expiresAt: NOW + 60_000 }] },
    db: { stale: true, peers: [{ host: '2001:db8::5', port: 27017, expiresAt: NOW + 60_000 }] },
  });
  const services: readonly ZoneService[] = [
    { label: 'ldap', service: 'ldap', proto: 'tcp' }, { label: 'ldap2', service: 'ldap', proto: 'tcp' },
    { label: 'kdc', service: 'kerberos', proto: 'udp' }, { label: 'db', service: 'mongodb', proto: 'tcp' },
  ];
  return makeResponder(zones, { services: () => services, nsAddresses: [parseIp('127.0.0.1')!, parseIp('::1')!], ...o });
}

test('_<service>._<proto>: SRV of every zone with that service, the union of their peers, each endpoint once', async () => {
  const { ask } = setup();
  const { raw, p } = await ask(query('_ldap._tcp._wherez.local', 'SRV'));
  assert.equal(rcode(raw), RCODE.NOERROR);
  assert.deepEqual(data(p), [
    { priority: 0, weight: 0, port: 389, target: 'h-10-0-0-1._wherez.local' },
    { priority: 0, weight: 0, port: 636, target: 'h-10-0-0-2._wherez.local' },
  ]);
  assert.deepEqual(p.answers?.map((a) => (a as Rec).ttl), [25, 25], 'the shared endpoint keeps its longest-lived entry');
  assert.deepEqual(owners(p.additionals), ['A h-10-0-0-1._wherez.local', 'A h-10-0-0-2._wherez.local']);
  const krb = (await ask(query('_kerberos._udp._wherez.local', 'SRV'))).p;
  assert.deepEqual(data(krb), [{ priority: 0, weight: 0, port: 88, target: 'h-10-0-0-3._wherez.local' }]);
  // The `_<label>` short names answer exactly as before: one zone each.
  assert.deepEqual(data((await ask(query('_ldap._wherez.local', 'SRV'))).p)?.length, 1);
});

test('_<service>._<proto>.<label>: one zone (mongodb+srv), and <label> itself holds no TXT', async () => {
  const { ask } = setup();
  let { raw, p } = await ask(query('_mongodb._tcp.db._wherez.local', 'SRV'));
  assert.deepEqual(data(p), [{ priority: 0, weight: 0, port: 27017, target: 'h-2001-0db8-0000-0000-0000-0000-0000-0005._wherez.local' }]);
  assert.equal((p.answers?.[0] as Rec).ttl, 5, 'stale zone: short TTL');
  ({ p } = await ask(query('_ldap._tcp.ldap2._wherez.local', 'SRV')));
  assert.equal(p.answers?.length, 2, 'only zone ldap2');
  for (const [name, type, want] of [
    ['db._wherez.local', 'TXT', RCODE.NOERROR], ['db._wherez.local', 'A', RCODE.NOERROR], ['_tcp.db._wherez.local', 'TXT', RCODE.NOERROR],
    ['_udp.db._wherez.local', 'TXT', RCODE.NXDOMAIN], ['nope._wherez.local', 'TXT', RCODE.NXDOMAIN],
    ['_ldap._tcp.db._wherez.local', 'SRV', RCODE.NXDOMAIN], ['_mongodb._udp._wherez.local', 'SRV', RCODE.NXDOMAIN],
    ['_tcp._wherez.local', 'SRV', RCODE.NOERROR], ['_ldap._tcp._wherez.local', 'TXT', RCODE.NOERROR],
  ] as const) {
    ({ raw, p } = await ask(query(name, type)));
    assert.equal(rcode(raw), want, `${type} ${name}`);
    assert.equal(p.answers?.length, 0, `${type} ${name}`);
    assert.equal(p.authorities?.[0]?.type, 'SOA', `${type} ${name}`);
  }
});

test('DNS-SD (RFC 6763): services -> types -> instances with SRV and key=value TXT; browse domains', async () => {
  const { ask } = setup();
  let { p } = await ask(query('_services._dns-sd._udp._wherez.local', 'PTR'));
  assert.deepEqual(data(p), ['_ldap._tcp._wherez.local', '_kerberos._udp._wherez.local', '_mongodb._tcp._wherez.local']);
  ({ p } = await ask(query('_ldap._tcp._wherez.local', 'PTR')));
  assert.deepEqual(data(p), ['i-10-0-0-1-389._ldap._tcp._wherez.local', 'i-10-0-0-2-636._ldap._tcp._wherez.local']);
  assert.deepEqual(owners(p.additionals), [
    'SRV i-10-0-0-1-389._ldap._tcp._wherez.local', 'SRV i-10-0-0-2-636._ldap._tcp._wherez.local',
    'TXT i-10-0-0-1-389._ldap._tcp._wherez.local', 'TXT i-10-0-0-2-636._ldap._tcp._wherez.local',
    'A h-10-0-0-1._wherez.local', 'A h-10-0-0-2._wherez.local',
  ]);
  ({ p } = await ask(query('i-10-0-0-2-636._ldap._tcp._wherez.local', 'TXT')));
  assert.deepEqual(txt(p.answers?.[0] as Rec), ['txtvers=1', 'zone=ldap2', 'stale=0']);
  ({ p } = await ask(query('i-10-0-0-2-636._ldap._tcp._wherez.local', 'SRV')));
  assert.deepEqual(data(p), [{ priority: 0, weight: 0, port: 636, target: 'h-10-0-0-2._wherez.local' }]);
  const { raw } = await ask(query('i-10-0-0-2-389._ldap._tcp._wherez.local', 'SRV'));
  assert.equal(rcode(raw), RCODE.NXDOMAIN);
  for (const which of ['b', 'db', 'lb']) {
    ({ p } = await ask(query(`${which}._dns-sd._udp._wherez.local`, 'PTR')));
    assert.deepEqual(data(p), ['_wherez.local'], which);
  }
});

test('apex NS names ns.<zone>, whose glue is our listeners; the SOA MNAME resolves', async () => {
  const { ask } = setup();
  let { p } = await ask(query('_wherez.local', 'NS'));
  assert.deepEqual(data(p), ['ns._wherez.local']);
  assert.deepEqual(p.additionals?.map((a) => `${a.type} ${a.name} ${String((a as Rec).data)}`), ['A ns._wherez.local 127.0.0.1', 'AAAA ns._wherez.local ::1']);
  ({ p } = await ask(query('ns._wherez.local', 'A')));
  assert.deepEqual(data(p), ['127.0.0.1']);
  ({ p } = await ask(query('ns._wherez.local', 'AAAA')));
  assert.deepEqual(data(p), ['::1']);
  ({ p } = await ask(query('_wherez.local', 'SOA')));
  assert.equal((p.answers?.[0] as Rec & { data: { mname: string } }).data.mname, 'ns._wherez.local');
});

test('host_domain: underscore-free SRV targets and host names, its own SOA, nothing else there', async () => {
  const { ask } = setup({ hostZone: 'peers.example.internal' });
  let { raw, p } = await ask(query('_ldap._tcp._wherez.local', 'SRV'));
  assert.deepEqual(p.answers?.map((a) => (a as Rec & { data: { target: string } }).data.target),
    ['h-10-0-0-1.peers.example.internal', 'h-10-0-0-2.peers.example.internal']);
  assert.deepEqual(owners(p.additionals), ['A h-10-0-0-1.peers.example.internal', 'A h-10-0-0-2.peers.example.internal']);
  ({ p } = await ask(query('_mongodb._tcp.db._wherez.local', 'SRV')));
  assert.deepEqual(p.answers?.map((a) => (a as Rec & { data: { target: string } }).data.target),
    ['h-2001-0db8-0000-0000-0000-0000-0000-0005._wherez.local'], 'mongodb+srv wants targets under the URL\'s parent domain');
  ({ p } = await ask(query('h-10-0-0-2.peers.example.internal', 'A')));
  assert.deepEqual(p.answers?.map((a) => [a.name, (a as Rec).data]), [['h-10-0-0-2.peers.example.internal', '10.0.0.2']]);
  ({ p } = await ask(query('h-10-0-0-2._wherez.local', 'A')));
  assert.deepEqual(p.answers?.map((a) => [a.name, (a as Rec).data]), [['h-10-0-0-2._wherez.local', '10.0.0.2']], 'the _wherez host names keep working');
  ({ raw, p } = await ask(query('h-10-9-9-9.peers.example.internal', 'A')));
  assert.equal(rcode(raw), RCODE.NXDOMAIN);
  assert.equal(p.authorities?.[0]?.name, 'peers.example.internal', 'the host zone\'s own SOA');
  ({ p } = await ask(query('peers.example.internal', 'NS')));
  assert.deepEqual(data(p), ['ns.peers.example.internal']);
  ({ raw } = await ask(query('www.peers.example.internal', 'A')));
  assert.equal(rcode(raw), RCODE.NXDOMAIN);
  ({ raw } = await ask(query('example.internal', 'A')));
  assert.equal(rcode(raw), RCODE.REFUSED, 'outside both zones: forwarded, or REFUSED without forwarding');
});

test('without a services list every label that is a service name serves _<label>._tcp', async () => {
  const { ask } = makeResponder(new MemoryZones({ ldap: { peers: peers(1) }, '12345': { peers: peers(1) } }));
  let { p } = await ask(query('_ldap._tcp._wherez.local', 'SRV'));
  assert.equal(p.answers?.length, 1);
  ({ p } = await ask(query('_services._dns-sd._udp._wherez.local', 'PTR')));
  assert.deepEqual(data(p), ['_ldap._tcp._wherez.local'], 'an all-digit label is no RFC 6335 service name');
});

test('a changed services list is answered at once, not from the reply cache', async () => {
  const zones = new MemoryZones({ ldap: { peers: peers(1) } });
  let services: readonly ZoneService[] = [{ label: 'ldap', service: 'ldap', proto: 'tcp' }];
  const { ask } = makeResponder(zones, { services: () => services });
  assert.equal(rcode((await ask(query('_ldap._udp._wherez.local', 'SRV'))).raw), RCODE.NXDOMAIN);
  services = [{ label: 'ldap', service: 'ldap', proto: 'udp' }];
  assert.equal((await ask(query('_ldap._udp._wherez.local', 'SRV'))).p.answers?.length, 1);
});
