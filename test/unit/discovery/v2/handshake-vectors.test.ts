import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, hkdfSync } from 'node:crypto';
import { VECTOR_CASES, computeVector } from '../../../helpers/v2-vectors.js';
import { identityFromSeed, verifySig, LISTENER_SIG_LABEL } from '../../../../src/discovery/v2/session.js';

const fixture = JSON.parse(readFileSync(new URL('../../../../../test/fixtures/wherez-v2-handshake-vectors.json', import.meta.url), 'utf8')) as {
  cases: (Record<string, unknown> & { input: unknown; msg1: string; msg2: string; msg3: string; ISK: string; k_L: string; k_D: string; TH2: string; Yb: string; L_id: string; input_cr?: string })[];
};

test('v2 full-handshake vectors: every field recomputed byte for byte', async () => {
  assert.equal(fixture.cases.length, VECTOR_CASES.length);
  for (const [i, c] of VECTOR_CASES.entries()) {
    const got = await computeVector(c);
    const { input, ...want } = fixture.cases[i]!;
    assert.deepEqual(input, c);
    assert.deepEqual(got, want, c.name);
  }
});

test('v2 vectors are self-consistent with independent recomputation (HKDF, TH2, sizes, RFC 8032 key)', () => {
  const v = fixture.cases[0]!;
  const cr = Buffer.alloc(32, 1);
  const isk = Buffer.from(v.ISK, 'hex');
  assert.equal(Buffer.from(hkdfSync('sha256', isk, cr, 'wz2 listener->dialer', 32)).toString('hex'), v.k_L);
  assert.equal(Buffer.from(hkdfSync('sha256', isk, cr, 'wz2 dialer->listener', 32)).toString('hex'), v.k_D);
  const msg1 = Buffer.from(v.msg1, 'hex');
  const msg2 = Buffer.from(v.msg2, 'hex');
  const th2 = createHash('sha256').update(msg1).update(msg2.subarray(0, 34)).digest();
  assert.equal(th2.toString('hex'), v.TH2);
  // design 4.5 prototype sizes with two IPv4 addresses
  assert.deepEqual([msg1.length, msg2.length, Buffer.from(v.msg3, 'hex').length], [86, 162, 122]);
  // RFC 8032 7.1 test 1 public key
  assert.equal(v.L_id, 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  assert.equal(identityFromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')).publicKey.toString('hex'), v.L_id);
  assert.equal(verifySig(Buffer.from(v.L_id, 'hex'), LISTENER_SIG_LABEL, th2, Buffer.alloc(64)), false);
});
