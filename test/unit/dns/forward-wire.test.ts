import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { clientReply, upstreamQuery } from '../../../src/dns/forward-wire.js';
import { parseQuery, type Query } from '../../../src/dns/query.js';

const COOKIE = 10;
type Opt = { type: 'OPT'; udpPayloadSize: number; flag_do?: boolean; extendedRcode?: number; options: { code: number; data: Buffer }[] };

function opt(udpPayloadSize: number, o: { dnssecOk?: boolean; cookie?: string; extendedRcode?: number } = {}): dnsPacket.Answer {
  const options = o.cookie ? [{ code: COOKIE, data: Buffer.from(o.cookie, 'hex') }] : [];
  return {
    type: 'OPT', name: '.', udpPayloadSize, extendedRcode: o.extendedRcode ?? 0, ednsVersion: 0,
    flags: o.dnssecOk ? dnsPacket.DNSSEC_OK : 0, flag_do: Boolean(o.dnssecOk), options: options as unknown as dnsPacket.PacketOpt[],
  };
}

function clientQuery(o: { edns?: dnsPacket.Answer; cd?: boolean; rd?: boolean } = {}): { raw: Buffer; q: Query } {
  const raw = dnsPacket.encode({
    type: 'query', id: 4321, flags: (o.rd === false ? 0 : dnsPacket.RECURSION_DESIRED) | (o.cd ? dnsPacket.CHECKING_DISABLED : 0),
    questions: [{ name: 'WWW.example', type: 'A', class: 'IN' }], additionals: o.edns ? [o.edns] : [],
  });
  const q = parseQuery(raw);
  assert.equal(q.kind, 'query');
  return { raw, q };
}

const optOf = (p: dnsPacket.DecodedPacket): Opt | undefined => p.additionals?.find((a) => a.type === 'OPT') as Opt | undefined;

test('upstreamQuery: our id, RD, the client CD and question; our OPT (1232, DO kept), never the client options', () => {
  const { raw, q } = clientQuery({ edns: opt(4096, { dnssecOk: true, cookie: '1111111111111111' }), cd: true, rd: false });
  const p = dnsPacket.decode(upstreamQuery(raw, q, 0xbeef));
  assert.equal(p.id, 0xbeef);
  assert.equal(p.flag_rd, true);
  assert.equal(p.flag_cd, true);
  assert.equal(p.questions?.[0]?.name, 'WWW.example');
  assert.equal(p.additionals?.length, 1);
  const o = optOf(p);
  assert.equal(o?.udpPayloadSize, 1232);
  assert.equal(o?.flag_do, true);
  assert.deepEqual(o?.options, []);

  const plain = clientQuery();
  const pp = dnsPacket.decode(upstreamQuery(plain.raw, plain.q, 1));
  assert.equal(pp.additionals?.length, 0, 'no EDNS from the client, none upstream');
});

function upstreamReply(o: { ttl: number; additionals: dnsPacket.Answer[]; answers?: dnsPacket.Answer[] }): Buffer {
  return dnsPacket.encode({
    type: 'response', id: 7, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ name: 'WWW.example', type: 'A', class: 'IN' }],
    answers: o.answers ?? [{ type: 'A', name: 'WWW.example', ttl: o.ttl, data: '192.0.2.1' }],
    additionals: o.additionals,
  });
}

test('clientReply: the upstream OPT (size, cookie) replaced by ours, DO from the client, TTLs capped', () => {
  const { q } = clientQuery({ edns: opt(4096, { cookie: '2222222222222222' }) });
  const reply = upstreamReply({ ttl: 600, additionals: [{ type: 'A', name: 'ns.example', ttl: 30, data: '192.0.2.53' }, opt(4096, { cookie: '1111111111111111', dnssecOk: true })] });
  const out = clientReply(reply, q.questionEnd, q.edns, 100);
  assert.ok(out);
  const p = dnsPacket.decode(out);
  assert.equal((p.answers?.[0] as { ttl: number }).ttl, 100, 'capped at maxTtl');
  assert.equal((p.additionals?.[0] as { ttl: number }).ttl, 30, 'below the cap: unchanged');
  const o = optOf(p);
  assert.equal(o?.udpPayloadSize, 1232);
  assert.equal(o?.flag_do, false);
  assert.deepEqual(o?.options, []);
  assert.equal(p.additionals?.length, 2);

  const noEdns = clientReply(reply, q.questionEnd, null, 100);
  assert.equal(dnsPacket.decode(noEdns!).additionals?.length, 1, 'no EDNS from the client: no OPT back');
});

test('clientReply: records after the upstream OPT are cut; extended rcodes, misplaced OPT and cut bytes give null', () => {
  const { q } = clientQuery({ edns: opt(1232) });
  const after = upstreamReply({ ttl: 60, additionals: [opt(4096), { type: 'A', name: 'late.example', ttl: 30, data: '192.0.2.9' }] });
  const p = dnsPacket.decode(clientReply(after, q.questionEnd, q.edns, 300)!);
  assert.deepEqual(p.additionals?.map((a) => a.type), ['OPT']);
  // BADVERS (16) from the upstream: extended rcode 1 in the OPT, about our hop, not an answer.
  assert.equal(clientReply(upstreamReply({ ttl: 60, additionals: [opt(4096, { extendedRcode: 1 })] }), q.questionEnd, q.edns, 300), null);
  assert.equal(clientReply(upstreamReply({ ttl: 60, additionals: [], answers: [opt(4096)] }), q.questionEnd, q.edns, 300), null);
  const whole = upstreamReply({ ttl: 60, additionals: [] });
  assert.equal(clientReply(whole.subarray(0, whole.length - 3), q.questionEnd, q.edns, 300), null);
});
