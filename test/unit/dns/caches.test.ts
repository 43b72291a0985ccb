import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { ForwardCache, cacheability, forwardKey } from '../../../src/dns/forward-cache.js';
import { parseQuery, type Query } from '../../../src/dns/query.js';
import { patchReply } from '../../../src/dns/wire-cache.js';
import { query } from '../../helpers/dns-client.js';

function parsed(msg: Buffer): Query {
  const q = parseQuery(msg);
  assert.equal(q.kind, 'query');
  return q;
}

const SOA = { mname: 'ns.example', rname: 'h.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 30 };

function upstreamReply(name: string, o: { rcode?: number; flags?: number; answers?: dnsPacket.Answer[]; authorities?: dnsPacket.Answer[]; edns?: boolean } = {}): Buffer {
  return dnsPacket.encode({
    type: 'response', id: 1, flags: (o.flags ?? dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE) | (o.rcode ?? 0),
    questions: [{ name, type: 'A', class: 'IN' }], answers: o.answers ?? [], authorities: o.authorities ?? [],
    additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

test('patchReply: copy with the client id, RD/CD bits and question case; the cached bytes stay untouched', () => {
  const cached = upstreamReply('example.com', { answers: [{ type: 'A', name: 'example.com', ttl: 60, data: '192.0.2.1' }] });
  const before = Buffer.from(cached);
  const raw = query('ExAmPlE.CoM', 'A', { id: 0x4242, rd: false });
  const out = patchReply(cached, raw, parsed(raw));
  assert.deepEqual(cached, before);
  const p = dnsPacket.decode(out);
  assert.equal(p.id, 0x4242);
  assert.equal(p.flag_rd, false);
  assert.equal(p.flag_ra, true);
  assert.equal(p.questions?.[0]?.name, 'ExAmPlE.CoM');
});

test('cacheability: positive by smallest TTL, negative by SOA (RFC 2308), never TC, SERVFAIL or SOA-less negatives', () => {
  const a = (ttl: number): dnsPacket.Answer => ({ type: 'A', name: 'x.example', ttl, data: '192.0.2.1' });
  const qEnd = 12 + 'x.example'.length + 2 + 4;
  assert.equal(cacheability(upstreamReply('x.example', { answers: [a(300), a(40)], edns: true }), qEnd)?.ttl, 40);
  const soa = (ttl: number): dnsPacket.Answer => ({ type: 'SOA', name: 'example', ttl, data: SOA });
  assert.equal(cacheability(upstreamReply('x.example', { rcode: 3, authorities: [soa(3600)] }), qEnd)?.ttl, 30);
  assert.equal(cacheability(upstreamReply('x.example', { authorities: [soa(10)] }), qEnd)?.ttl, 10, 'NODATA');
  assert.equal(cacheability(upstreamReply('x.example', { rcode: 3 }), qEnd), null);
  assert.equal(cacheability(upstreamReply('x.example', { rcode: 2 }), qEnd), null);
  assert.equal(cacheability(upstreamReply('x.example', { answers: [a(0)] }), qEnd), null);
  assert.equal(cacheability(upstreamReply('x.example', { flags: dnsPacket.TRUNCATED_RESPONSE, answers: [a(60)] }), qEnd), null);
  assert.equal(cacheability(upstreamReply('x.example', { answers: [a(60)] }).subarray(0, qEnd + 5), qEnd), null, 'cut records');
});

test('ForwardCache: ages TTLs on the way out, expires, caps at maxTtl, keys on EDNS/DO/CD', () => {
  let now = 1_000_000;
  const cache = new ForwardCache(() => now, 100);
  const raw = query('x.example', 'A', { id: 9 });
  const q = parsed(raw);
  cache.put(forwardKey(q), upstreamReply('x.example', { answers: [{ type: 'A', name: 'x.example', ttl: 600, data: '192.0.2.1' }] }), q.questionEnd);
  now += 30_500;
  const hit = cache.get(forwardKey(q), raw, q);
  assert.ok(hit);
  assert.equal((dnsPacket.decode(hit).answers?.[0] as { ttl: number }).ttl, 70, 'TTL 600 capped at maxTtl 100, aged 30 s');
  assert.equal(dnsPacket.decode(hit).id, 9);
  now += 70_000;
  assert.equal(cache.get(forwardKey(q), raw, q), undefined, 'maxTtl 100 s caps the stay');
  const keys = new Set([query('x.example', 'A'), query('x.example', 'A', { edns: 1232 }), query('x.example', 'A', { edns: 1232, dnssecOk: true }),
    query('X.example', 'AAAA')].map((m) => forwardKey(parsed(m))));
  assert.equal(keys.size, 4);
});
