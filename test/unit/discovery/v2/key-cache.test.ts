import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrypt } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing } from '../../../../src/discovery/v2/key-ring.js';
import { KeyCache, keyCachePath } from '../../../../src/discovery/v2/key-cache.js';
import { EPOCH_MS } from '../../../../src/discovery/v2/epoch-window.js';
import { epochSalt, passwordBytes } from '../../../../src/discovery/v2/keys.js';

const E = 20000;
const NOON = E * EPOCH_MS + EPOCH_MS / 2;

/** A real but cheap scrypt (N=2^10), counted: the cache does not depend on the cost. */
function countingDerive() {
  const calls: number[] = [];
  const derive = (prs: Buffer, epoch: number) => {
    calls.push(epoch);
    return new Promise<Buffer>((res, rej) => scrypt(prs, epochSalt(epoch), 32, { N: 1024, r: 8, p: 1 }, (err, k) => (err ? rej(err) : res(k))));
  };
  return { derive, calls };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-keycache-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

/** One daemon run: a ring over a cache loaded from `dir`, until the window's keys are there. */
async function run(dir: string, zones: Record<string, string>) {
  const cache = new KeyCache({ path: keyCachePath(dir), writeDelayMs: 1 });
  await cache.load();
  const d = countingDerive();
  const ring = new KeyRing({ now: () => NOON, derive: d.derive, cache });
  for (const [zone, pass] of Object.entries(zones)) ring.add(zone, passwordBytes(pass)!);
  ring.start();
  await ring.settled();
  const keys = Object.fromEntries(Object.keys(zones).map((z) => [z, ring.get(z, E)]));
  ring.close();
  await cache.flush();
  return { calls: d.calls, keys };
}

test('a restart takes the keys of the zones it derived before from the cache, and derives nothing for them', async () => {
  await withDir(async (dir) => {
    const first = await run(dir, { a: 'zone a passphrase', b: 'zone b passphrase' });
    assert.equal(first.calls.length, 4, 'e and e-1 of both zones at noon');
    const mode = (await stat(keyCachePath(dir))).mode & 0o777;
    assert.equal(mode, 0o600);
    const second = await run(dir, { a: 'zone a passphrase', b: 'zone b passphrase' });
    assert.deepEqual(second.calls, [], 'no scrypt on a warm start');
    assert.deepEqual(second.keys, first.keys);
  });
});

test('a zone whose passphrase changed derives afresh; the file never holds a passphrase', async () => {
  await withDir(async (dir) => {
    const first = await run(dir, { a: 'zone a passphrase' });
    const changed = await run(dir, { a: 'another passphrase' });
    assert.equal(changed.calls.length, 2);
    assert.notDeepEqual(changed.keys.a, first.keys.a);
    const text = await readFile(keyCachePath(dir), 'utf8');
    assert.ok(!text.includes('passphrase'), 'neither passphrase is in the file');
    const again = await run(dir, { a: 'another passphrase' });
    assert.deepEqual(again.calls, []);
  });
});

test('a corrupt or hostile cache file is an empty cache: keys are derived, nothing throws', async () => {
  await withDir(async (dir) => {
    for (const body of ['not json', '[]', '{"a":{"check":1}}', '{"a":{"check":"x","epochs":{"20000":{"infohash":"zz","hintKey":"00"}}}}']) {
      await writeFile(keyCachePath(dir), body);
      const r = await run(dir, { a: 'zone a passphrase' });
      assert.equal(r.calls.length, 2, body);
      await rm(keyCachePath(dir));
    }
  });
});

test('a removed zone leaves the file at the next write', async () => {
  await withDir(async (dir) => {
    await run(dir, { a: 'zone a passphrase', b: 'zone b passphrase' });
    const cache = new KeyCache({ path: keyCachePath(dir), writeDelayMs: 1 });
    await cache.load();
    const ring = new KeyRing({ now: () => NOON, derive: countingDerive().derive, cache });
    ring.add('a', passwordBytes('zone a passphrase')!);
    ring.remove('b');
    ring.close();
    await cache.flush();
    assert.deepEqual(Object.keys(JSON.parse(await readFile(keyCachePath(dir), 'utf8')) as object), ['a']);
  });
});
