import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  calculateGenerator, generatorString, iskIr, lvCat, scalarMultVfy,
} from '../../../../src/discovery/v2/cpace.js';

interface Vectors {
  inputs: Record<string, string>;
  generator_string: string; g: string; Ya: string; Yb: string; K: string; ISK_IR: string;
  scalar_mult_vfy: { s: string; cases: { u: string; q: string; abort: boolean }[] };
}
const V = JSON.parse(readFileSync(new URL('../../../../../test/fixtures/cpace-x25519-vectors.json', import.meta.url), 'utf8')) as Vectors;
const h = (s: string) => Buffer.from(s, 'hex');

test('CPace draft-21 X25519-SHA512: generator string, g, Ya, Yb, K, ISK_IR', () => {
  const i = V.inputs;
  const [prs, ci, sid] = [h(i.PRS!), h(i.CI!), h(i.sid!)];
  assert.equal(lvCat(Buffer.from('A_initiator'), Buffer.from('B_responder')).toString('hex'), i.CI);
  assert.equal(generatorString(prs, ci, sid).toString('hex'), V.generator_string);
  const g = calculateGenerator(prs, ci, sid);
  assert.equal(g.toString('hex'), V.g);
  const Ya = scalarMultVfy(h(i.ya!), g);
  const Yb = scalarMultVfy(h(i.yb!), g);
  assert.equal(Ya?.toString('hex'), V.Ya);
  assert.equal(Yb?.toString('hex'), V.Yb);
  const Ka = scalarMultVfy(h(i.ya!), Yb!);
  const Kb = scalarMultVfy(h(i.yb!), Ya!);
  assert.equal(Ka?.toString('hex'), V.K);
  assert.equal(Kb?.toString('hex'), V.K);
  assert.equal(iskIr(sid, Ka!, Ya!, h(i.ADa!), Yb!, h(i.ADb!)).toString('hex'), V.ISK_IR);
});

test('CPace scalar_mult_vfy: all 12 low-order / non-canonical points, the 7 abort cases return null', () => {
  const s = h(V.scalar_mult_vfy.s);
  assert.equal(V.scalar_mult_vfy.cases.length, 12);
  let aborts = 0;
  for (const c of V.scalar_mult_vfy.cases) {
    const q = scalarMultVfy(s, h(c.u));
    if (c.abort) {
      aborts++;
      assert.equal(q, null, `u=${c.u} must abort`);
    } else {
      assert.equal(q?.toString('hex'), c.q, `u=${c.u}`);
    }
  }
  assert.equal(aborts, 7);
});

test('CPace: long PRS (> one hash block) gets no zero padding', () => {
  const prs = Buffer.alloc(200, 0x61);
  const gs = generatorString(prs, Buffer.alloc(0), Buffer.alloc(0));
  // DSI (1+8) || PRS (2+200) || zpad (1+0) || CI (1) || sid (1)
  assert.equal(gs.length, 9 + 202 + 1 + 1 + 1);
  assert.equal(calculateGenerator(prs, Buffer.alloc(0), Buffer.alloc(0)).length, 32);
});
