import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infohashV1 } from '../../../src/discovery/infohash.js';
import {
  encodeChallenge, decodeChallenge, respondV1, verifyResponse, decodeResponse,
} from '../../../src/discovery/handshake-v1.js';
import { readJsonFixture } from '../../helpers/fixtures.js';

interface Vectors {
  infohash: Array<{ passphrase_utf8?: string; passphrase_hex?: string; infohash: string; sha256?: string }>;
  challenge: Array<{ dedupe: string; challenge: string; wire: string }>;
  response: Array<{ passphrase_utf8: string; app_port: number; challenge: string; wire: string }>;
}

const vectors = readJsonFixture<Vectors>('wherez-v1-vectors.json');
const hex = (s: string) => Buffer.from(s, 'hex');

for (const v of vectors.infohash) {
  const pass = v.passphrase_hex !== undefined ? hex(v.passphrase_hex) : Buffer.from(v.passphrase_utf8 ?? '', 'utf8');
  test(`infohash of ${JSON.stringify(v.passphrase_utf8 ?? v.passphrase_hex)}`, () => {
    assert.equal(infohashV1(pass).toString('hex'), v.infohash);
  });
}

for (const v of vectors.challenge) {
  test('challenge encodes to the vector and decodes back', () => {
    const wire = encodeChallenge({ dedupe: hex(v.dedupe), challenge: hex(v.challenge) });
    assert.equal(wire.toString('hex'), v.wire);
    const back = decodeChallenge(wire);
    assert.ok(back);
    assert.equal(back.dedupe.toString('hex'), v.dedupe);
    assert.equal(back.challenge.toString('hex'), v.challenge);
  });
}

for (const v of vectors.response) {
  test(`response for ${v.passphrase_utf8} port ${v.app_port} challenge ${v.challenge.slice(0, 8)}`, () => {
    const pass = Buffer.from(v.passphrase_utf8, 'utf8');
    const wire = respondV1(pass, v.app_port, { dedupe: Buffer.alloc(10), challenge: hex(v.challenge) });
    assert.equal(wire.toString('hex'), v.wire);
    const verdict = verifyResponse(pass, hex(v.challenge), hex(v.wire));
    assert.deepEqual(verdict, { ok: true, port: v.app_port % 65536 });
  });
}

test('the server refuses what the vectors say it must refuse', () => {
  const good = hex(vectors.challenge[0]!.wire);
  const upper = Buffer.from(good);
  upper.write('WHEREZ', 0, 'ascii');
  assert.equal(decodeChallenge(upper), null, "magic 'WHEREZ' (wrong case)");
  assert.equal(decodeChallenge(good.subarray(0, 35)), null, '35 bytes');
  assert.equal(decodeChallenge(Buffer.concat([good, Buffer.from([0])])), null, '37 bytes');
});

test('verifyResponse rejects a wrong MAC, a wrong length and port 0', () => {
  const pass = Buffer.from('wherezexample');
  const ch = hex('000102030405060708090a0b0c0d0e0f10111213');
  const good = respondV1(pass, 8080, { dedupe: Buffer.alloc(10), challenge: ch });
  const flipped = Buffer.from(good);
  flipped[33] = (flipped[33] ?? 0) ^ 1;
  assert.deepEqual(verifyResponse(pass, ch, flipped), { ok: false, reason: 'bad-mac' });
  assert.deepEqual(verifyResponse(pass, ch, good.subarray(0, 33)), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyResponse(Buffer.from('other'), ch, good), { ok: false, reason: 'bad-mac' });
  const zero = respondV1(pass, 0, { dedupe: Buffer.alloc(10), challenge: ch });
  assert.deepEqual(verifyResponse(pass, ch, zero), { ok: false, reason: 'port-zero' });
  assert.equal(decodeResponse(Buffer.alloc(0)), null);
});
