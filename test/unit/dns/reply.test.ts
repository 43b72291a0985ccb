import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { FLAG, RCODE } from '../../../src/dns/dns-codes.js';
import { query } from '../../helpers/dns-client.js';
import { MemoryZones, peers } from '../../helpers/dns-zones.js';
import { hasFlag, makeResponder, rcode } from '../../helpers/dns-responder.js';

type Opt = { type: 'OPT'; udpPayloadSize: number; flag_do: boolean; extendedRcode: number };
const optOf = (p: dnsPacket.Packet) => p.additionals?.find((a) => a.type === 'OPT') as Opt | undefined;

test('40 peers: TC with no partial RRset at 512 and 1232 bytes, everything over TCP', async () => {
  const { ask, counters } = makeResponder(new MemoryZones({ ldap: { peers: peers(40) } }));
  for (const [edns, limit] of [[undefined, 512], [4096, 1232], [800, 800]] as const) {
    const { raw, p } = await ask(query('_ldap._wherez.local', 'SRV', { edns }));
    assert.ok(hasFlag(raw, FLAG.TC), `TC at ${limit}`);
    assert.ok(raw.length <= limit);
    assert.equal(p.answers?.length, 0);
    assert.equal(p.questions?.length, 1);
    assert.equal(p.additionals?.length, edns === undefined ? 0 : 1, 'only the OPT');
  }
  const { raw, p } = await ask(query('_ldap._wherez.local', 'SRV', { edns: 1232 }), 'tcp');
  assert.ok(!hasFlag(raw, FLAG.TC));
  assert.equal(p.answers?.length, 40);
  assert.equal(p.additionals?.length, 41);
  assert.equal(counters.truncated, 3);
});

test('additional data that does not fit is cut RRset by RRset, without TC', async () => {
  const { ask } = makeResponder(new MemoryZones({ ldap: { peers: peers(10) } }));
  const { raw, p } = await ask(query('_ldap._wherez.local', 'SRV'));
  assert.ok(!hasFlag(raw, FLAG.TC));
  assert.ok(raw.length <= 512);
  assert.equal(p.answers?.length, 10);
  const extra = p.additionals?.length ?? 0;
  assert.ok(extra > 0 && extra < 10, `${extra} address records fit`);
  const full = await ask(query('_ldap._wherez.local', 'SRV', { edns: 1232 }));
  assert.equal(full.p.additionals?.length, 11, 'all ten plus OPT in 1232 bytes, thanks to owner compression');
});

test('EDNS: OPT echoed only when asked, advertising 1232, DO echoed; BADVERS in the extended rcode, counted as BADVERS', async () => {
  const { ask, counters } = makeResponder(new MemoryZones({ ldap: { peers: peers(1) } }));
  let { p } = await ask(query('_ldap._wherez.local', 'SRV'));
  assert.equal(optOf(p), undefined);
  ({ p } = await ask(query('_ldap._wherez.local', 'SRV', { edns: 4096, dnssecOk: true })));
  assert.equal(optOf(p)?.udpPayloadSize, 1232);
  assert.equal(optOf(p)?.flag_do, true);
  ({ p } = await ask(query('_nope._wherez.local', 'SRV', { edns: 1232 })));
  assert.equal(optOf(p)?.flag_do, false, 'negative answers carry OPT too');
  const v1 = query('_ldap._wherez.local', 'SRV', { edns: 1232 });
  v1[v1.length - 5] = 1;
  const bad = await ask(v1);
  assert.equal(rcode(bad.raw), 0);
  assert.equal(optOf(bad.p)?.extendedRcode, 1, 'BADVERS = 16 = extended 1, header 0');
  assert.equal(bad.p.answers?.length, 0);
  // The counters (and so wherez_dns_responses_total{rcode}) see the full extended rcode.
  assert.deepEqual(counters.rcodes, { NOERROR: 2, NXDOMAIN: 1, BADVERS: 1 });
});

test('the question is echoed in the client\'s case, also from the built-reply cache', async () => {
  const { ask, counters } = makeResponder(new MemoryZones({ ldap: { peers: peers(2) } }));
  let { raw, p } = await ask(query('_LdAp._WHEREZ.local', 'SRV', { id: 100 }));
  assert.equal(p.questions?.[0]?.name, '_LdAp._WHEREZ.local');
  assert.equal(p.answers?.[0]?.name, '_LdAp._WHEREZ.local', 'owner compressed onto the question');
  ({ raw, p } = await ask(query('_ldap._wherez.LOCAL', 'SRV', { id: 200, rd: false })));
  assert.equal(counters.zoneCacheHits, 1);
  assert.equal(p.id, 200);
  assert.ok(!hasFlag(raw, FLAG.RD), 'RD echoed per query');
  assert.equal(p.questions?.[0]?.name, '_ldap._wherez.LOCAL');
  assert.equal((p.answers?.[1] as { data: { target: string } }).data.target, 'h-10-0-0-2._wherez.local');
});

test('the built-reply cache follows zone versions and lives under a second', async () => {
  const zones = new MemoryZones({ ldap: { peers: peers(1) } });
  const { ask, counters, clock } = makeResponder(zones);
  await ask(query('_ldap._wherez.local', 'A'));
  await ask(query('_ldap._wherez.local', 'A'));
  assert.equal(counters.zoneCacheHits, 1);
  zones.set('ldap', { peers: peers(2) });
  let { p } = await ask(query('_ldap._wherez.local', 'A'));
  assert.equal(p.answers?.length, 2, 'a new version is a new key');
  clock.now += 1000;
  ({ p } = await ask(query('_ldap._wherez.local', 'A')));
  assert.equal(counters.zoneCacheHits, 1, 'expired after 1 s');
  await ask(query('_ldap._wherez.local', 'A'), 'tcp');
  assert.equal(counters.zoneCacheHits, 1, 'the size limit is part of the key');
});

test('error replies: FORMERR keeps the id, NOTIMP echoes the opcode, responses get nothing', async () => {
  const { ask, respond, counters } = makeResponder(new MemoryZones());
  const garbage = Buffer.from([0xab, 0xcd, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const formerr = await ask(garbage);
  assert.equal(formerr.p.id, 0xabcd);
  assert.equal(rcode(formerr.raw), RCODE.FORMERR);
  assert.equal(formerr.p.questions?.length, 0);
  const notify = query('_wherez.local', 'SOA');
  notify[2] = ((notify[2] as number) & 0x87) | (4 << 3);
  const { raw } = await ask(notify);
  assert.equal(rcode(raw), RCODE.NOTIMP);
  assert.equal((raw.readUInt16BE(2) >> 11) & 0xf, 4);
  const response = query('_wherez.local', 'SOA');
  response[2] = (response[2] as number) | 0x80;
  assert.equal(await respond(response, { address: '127.0.0.1', transport: 'udp' }), null);
  assert.equal(await respond(Buffer.alloc(5), { address: '127.0.0.1', transport: 'udp' }), null);
  assert.equal(counters.dropped, 2);
});

test('REFUSED: clients outside the allow-list, other classes, zone transfers, outside names without forwarding', async () => {
  const { ask } = makeResponder(new MemoryZones({ ldap: { peers: peers(1) } }));
  const refused = async (msg: Buffer, address = '127.0.0.1') => {
    const { raw, p } = await ask(msg, 'udp', address);
    assert.equal(rcode(raw), RCODE.REFUSED);
    assert.ok(!hasFlag(raw, FLAG.AA) && !hasFlag(raw, FLAG.RA));
    assert.equal(p.answers?.length, 0);
  };
  await refused(query('_ldap._wherez.local', 'SRV'), '192.0.2.1');
  await refused(query('_ldap._wherez.local', 'SRV'), '::ffff:192.0.2.1');
  await refused(query('version.bind', 'TXT', { qclass: 'CH' }));
  await refused(query('_wherez.local', 'AXFR'));
  await refused(query('example.com', 'A'));
  const ok = await ask(query('_ldap._wherez.local', 'SRV', { qclass: 'ANY' }), 'udp', '::ffff:127.0.0.1');
  assert.equal(ok.p.answers?.length, 1);
});
