import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../src/dns/query.js';
import { RCODE } from '../../../src/dns/dns-codes.js';
import { query } from '../../helpers/dns-client.js';

function header(id: number, flags: number, qd: number, an = 0, ns = 0, ar = 0): Buffer {
  const b = Buffer.alloc(12);
  [id, flags, qd, an, ns, ar].forEach((v, i) => b.writeUInt16BE(v, i * 2));
  return b;
}
const QUESTION_TAIL = Buffer.from([0, 33, 0, 1]); // SRV IN
const nameBytes = (...labels: (string | Buffer)[]) =>
  Buffer.concat([...labels.flatMap((l) => { const b = Buffer.from(l); return [Buffer.from([b.length]), b]; }), Buffer.from([0])]);

const errorOf = (b: Buffer) => {
  const r = parseQuery(b);
  assert.equal(r.kind, 'error');
  return r;
};

test('a well-formed query decodes to a typed result, names lower-cased', () => {
  const r = parseQuery(query('_LDAP._Wherez.Local', 'SRV', { id: 7, edns: 4096, dnssecOk: true }));
  assert.equal(r.kind, 'query');
  assert.equal(r.id, 7);
  assert.deepEqual(r.labels, ['_ldap', '_wherez', 'local']);
  assert.equal(r.name, '_ldap._wherez.local');
  assert.equal(r.qtype, 33);
  assert.equal(r.qclass, 1);
  assert.equal(r.questionEnd, 12 + 21 + 4);
  assert.deepEqual(r.edns, { udpSize: 4096, version: 0, do: true });
  const plain = parseQuery(query('example.com', 'A'));
  assert.equal(plain.kind === 'query' && plain.edns, null);
  const tiny = parseQuery(query('example.com', 'A', { edns: 100 }));
  assert.equal(tiny.kind === 'query' && tiny.edns?.udpSize, 512);
});

test('short packets and responses are dropped without a reply', () => {
  for (let len = 0; len < 12; len++) assert.deepEqual(parseQuery(Buffer.alloc(len)), { kind: 'drop', reason: 'short' });
  const response = query('example.com', 'A');
  response[2] = (response[2] as number) | 0x80;
  assert.deepEqual(parseQuery(response), { kind: 'drop', reason: 'response' });
});

test('other opcodes are NOTIMP; impossible counts and qdcount != 1 are FORMERR', () => {
  const update = query('example.com', 'SOA');
  update[2] = ((update[2] as number) & 0x87) | (5 << 3);
  assert.equal(errorOf(update).rcode, RCODE.NOTIMP);
  const started = process.hrtime.bigint();
  const all = header(1, 0, 0xffff, 0xffff, 0xffff, 0xffff);
  assert.equal(errorOf(all).rcode, RCODE.FORMERR);
  assert.ok(process.hrtime.bigint() - started < 1_000_000n, 'impossible counts are rejected in well under 1 ms');
  assert.equal(errorOf(header(1, 0, 0)).rcode, RCODE.FORMERR);
  const two = Buffer.concat([header(1, 0, 2), nameBytes('a'), QUESTION_TAIL, nameBytes('b'), QUESTION_TAIL]);
  assert.equal(errorOf(two).rcode, RCODE.FORMERR);
  assert.equal(errorOf(Buffer.concat([header(1, 0, 1, 0, 0, 1), nameBytes('a'), QUESTION_TAIL])).rcode, RCODE.FORMERR);
});

test('hostile names: pointers, pointer loops, 64-byte labels, overlong names, truncation', () => {
  const pointerToSelf = Buffer.concat([header(1, 0, 1), Buffer.from([0xc0, 12]), QUESTION_TAIL]);
  assert.equal(errorOf(pointerToSelf).rcode, RCODE.FORMERR);
  const pointerLoopInAdditional = Buffer.concat([header(1, 0, 1, 0, 0, 1), nameBytes('a'), QUESTION_TAIL,
    Buffer.from([0xc0, 29, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])]);
  assert.equal(parseQuery(pointerLoopInAdditional).kind, 'query', 'record names are skipped, never followed');
  const label64 = Buffer.concat([header(1, 0, 1), nameBytes('a'.repeat(64)), QUESTION_TAIL]);
  assert.equal(errorOf(label64).rcode, RCODE.FORMERR);
  const reservedLabelType = Buffer.concat([header(1, 0, 1), Buffer.from([0x41]), Buffer.alloc(65, 0x61), QUESTION_TAIL]);
  assert.equal(errorOf(reservedLabelType).rcode, RCODE.FORMERR);
  const long = Buffer.concat([header(1, 0, 1), nameBytes(...Array<string>(5).fill('a'.repeat(50))), QUESTION_TAIL]);
  assert.equal(errorOf(long).rcode, RCODE.FORMERR, '5 x 51 + 1 = 256 wire bytes');
  const longest = Buffer.concat([header(1, 0, 1), nameBytes(...Array<string>(5).fill('a'.repeat(49)), 'a'.repeat(3)), QUESTION_TAIL]);
  assert.equal(parseQuery(longest).kind, 'query', '255 wire bytes is the limit, inclusive');
  const noType = Buffer.concat([header(1, 0, 1), nameBytes('example', 'com'), Buffer.from([0, 1])]);
  assert.equal(errorOf(noType).rcode, RCODE.FORMERR);
  const cut = Buffer.concat([header(1, 0, 1), Buffer.from([10, 0x61, 0x62])]);
  assert.equal(errorOf(cut).rcode, RCODE.FORMERR);
});

test('odd label bytes are escaped, so they can never match a name we build', () => {
  const r = parseQuery(Buffer.concat([header(1, 0, 1), nameBytes(Buffer.from('A.b\\'), Buffer.from([0xc3, 0x80, 0x20])), QUESTION_TAIL]));
  assert.equal(r.kind, 'query');
  assert.deepEqual(r.labels, ['a\\046b\\092', '\\195\\128\\032']);
});

test('EDNS: version > 0 is BADVERS, two OPT records or a non-root OPT owner is FORMERR', () => {
  const v1 = query('example.com', 'A', { edns: 1232 });
  v1[v1.length - 5] = 1; // OPT: ..., extended rcode, version, flags (2), rdlength (2)
  const e = errorOf(v1);
  assert.equal(e.rcode, RCODE.BADVERS);
  assert.ok(e.questionEnd > 12 && e.edns);
  const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);
  const base = Buffer.concat([nameBytes('example', 'com'), Buffer.from([0, 1, 0, 1])]);
  assert.equal(errorOf(Buffer.concat([header(1, 0, 1, 0, 0, 2), base, opt, opt])).rcode, RCODE.FORMERR);
  const named = Buffer.concat([header(1, 0, 1, 0, 0, 1), base, nameBytes('x'), opt.subarray(1)]);
  assert.equal(errorOf(named).rcode, RCODE.FORMERR);
});

test('random and mutated bytes never throw', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const base = query('_ldap._wherez.local', 'SRV', { edns: 1232 });
  for (let i = 0; i < 20_000; i++) {
    const b = i % 2 ? Buffer.from(base) : Buffer.alloc(Math.floor(rand() * 80), 0);
    for (let j = 0; j < 1 + Math.floor(rand() * 6); j++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    const r = parseQuery(b);
    assert.ok(['query', 'error', 'drop'].includes(r.kind));
  }
});
