import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scrypt } from 'node:crypto';
import { KeyRing } from '../../../../src/discovery/v2/key-ring.js';
import { EPOCH_MS } from '../../../../src/discovery/v2/epoch-window.js';
import { epochKeys, epochSalt, passwordBytes, zoneHint } from '../../../../src/discovery/v2/keys.js';
import { HintIndex, type HintSource } from '../../../../src/discovery/v2/hint-index.js';
import type { Msg1 } from '../../../../src/discovery/v2/wire.js';

const E = 20000;
const NOON = E * EPOCH_MS + EPOCH_MS / 2;

/** A real but cheap scrypt (N=2^10): the index does not depend on the cost. */
const cheap = (prs: Buffer, epoch: number) => new Promise<Buffer>((res, rej) =>
  scrypt(prs, epochSalt(epoch), 32, { N: 1024, r: 8, p: 1 }, (err, k) => (err ? rej(err) : res(k))));

/** A zone's source as V2Zone builds it, counting how often the index asks for candidates. */
function source(ring: KeyRing, zone: string): HintSource & { calls: number } {
  const s = {
    calls: 0,
    candidates: () => { s.calls++; return ring.candidates(zone); },
    watch: (onChange: () => void) => {
      const onKeys = (z: string) => { if (z === zone) onChange(); };
      ring.on('keys', onKeys).on('tick', onChange);
      return () => { ring.off('keys', onKeys).off('tick', onChange); };
    },
  };
  return s;
}

/** A msg1 as a dialer of `pass` at `epoch` would send it (only cr and hint matter to the index). */
async function msg1For(pass: string, epoch: number): Promise<Msg1> {
  const cr = randomBytes(32);
  const { hintKey } = epochKeys(await cheap(passwordBytes(pass)!, epoch), epoch);
  return { cr, hint: zoneHint(hintKey, cr), ya: randomBytes(32) };
}

async function ringOf(now: () => number, zones: Record<string, string>): Promise<KeyRing> {
  const ring = new KeyRing({ now, derive: cheap });
  for (const [zone, pass] of Object.entries(zones)) ring.add(zone, passwordBytes(pass)!);
  ring.start();
  await ring.settled();
  return ring;
}

test('the index picks the one zone and epoch whose hint fits msg1, among every zone on the port; e-2, other zones and junk match nothing', async (t) => {
  const now = () => NOON;
  const ring = await ringOf(now, { a: 'pass of a', b: 'pass of b', c: 'pass of c' });
  t.after(() => ring.close());
  const index = new HintIndex<string>(now);
  for (const z of ['a', 'b', 'c']) index.add(z, source(ring, z));
  assert.equal(index.entries().length, 6, 'e and e-1 of three zones (e+1 is derived only in the last hour)');
  const hitB = index.match(await msg1For('pass of b', E));
  assert.deepEqual([hitB?.zone, hitB?.epoch], ['b', E]);
  const hitA = index.match(await msg1For('pass of a', E - 1));
  assert.deepEqual([hitA?.zone, hitA?.epoch], ['a', E - 1]);
  assert.equal(index.match(await msg1For('pass of c', E - 2)), null, 'e-2 is outside the accepted window');
  assert.equal(index.match(await msg1For('pass of nobody', E)), null);
  assert.equal(index.match({ cr: randomBytes(32), hint: randomBytes(16), ya: randomBytes(32) }), null);
});

test('the table is built once, not per connection, and rebuilt when a zone leaves or joins, keys arrive, or the epoch changes', async (t) => {
  let clock = NOON;
  const now = () => clock;
  const ring = await ringOf(now, { a: 'pass of a', b: 'pass of b' });
  t.after(() => ring.close());
  const index = new HintIndex<string>(now);
  const a = source(ring, 'a');
  const b = source(ring, 'b');
  index.add('a', a);
  index.add('b', b);
  const forB = await msg1For('pass of b', E);
  for (let i = 0; i < 5; i++) assert.equal(index.match(forB)?.zone, 'b');
  assert.deepEqual([a.calls, b.calls], [1, 1], 'five connections, one build');

  index.remove('b');
  assert.equal(index.match(forB), null, 'a zone removed by a reload is no longer matched');
  assert.equal(index.match(await msg1For('pass of a', E))?.zone, 'a');

  // A zone added later: its keys are derived after it joined; the index hears of them by watch().
  ring.add('c', passwordBytes('pass of c')!);
  const c = source(ring, 'c');
  index.add('c', c);
  const forC = await msg1For('pass of c', E);
  await ring.whenReady('c', E);
  assert.equal(index.match(forC)?.zone, 'c');

  // The next day: E-1 leaves the accepted window, E stays (it is e-1 now).
  clock = NOON + EPOCH_MS;
  const before = a.calls;
  assert.equal(index.match(await msg1For('pass of a', E - 1)), null, 'e-2 after the rollover');
  assert.equal(a.calls, before + 1, 'rebuilt at the epoch change');
  assert.equal(index.match(forC)?.zone, 'c', 'yesterday is still accepted');
});

test('two zones with one passphrase on a port are ambiguous: no zone is chosen', async (t) => {
  const now = () => NOON;
  const ring = await ringOf(now, { a: 'same', b: 'same' });
  t.after(() => ring.close());
  const index = new HintIndex<string>(now);
  index.add('a', source(ring, 'a'));
  index.add('b', source(ring, 'b'));
  assert.equal(index.match(await msg1For('same', E)), null);
});
