import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyRing } from '../../../../src/discovery/v2/key-ring.js';
import { EPOCH_MS, epochWindow } from '../../../../src/discovery/v2/epoch-window.js';
import { scrypt } from 'node:crypto';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { epochKeys, epochSalt, passwordBytes, rendezvousKey } from '../../../../src/discovery/v2/keys.js';
import { deriveInChild } from '../../../../src/discovery/v2/derive-process.js';

const E = 20000;
const at = (ms: number) => E * EPOCH_MS + ms;
const HOUR = 3_600_000;

test('epoch windows (design 5.3): which IH are announced, looked up and accepted around midnight', () => {
  const before = epochWindow(at(-1)); // last ms of e-1: its last hour
  assert.deepEqual([before.current, before.announce, before.lookup, before.accept], [E - 1, [E - 1, E], [E - 1, E - 2, E], [E - 2, E - 1, E]]);
  assert.equal(before.nextChangeAt, at(0));
  const midnight = epochWindow(at(0));
  assert.deepEqual([midnight.current, midnight.announce, midnight.lookup, midnight.accept], [E, [E], [E, E - 1], [E - 1, E, E + 1]]);
  assert.equal(midnight.nextChangeAt, at(EPOCH_MS - HOUR));
  assert.deepEqual(epochWindow(at(EPOCH_MS - HOUR - 1)).announce, [E]);
  const late = epochWindow(at(EPOCH_MS - HOUR));
  assert.deepEqual([late.announce, late.lookup, late.derive], [[E, E + 1], [E, E - 1, E + 1], [E, E + 1, E - 1]]);
});

/**
 * Scheduling tests use a real but cheap scrypt (N=2^10): the ring's order and timing do not depend
 * on the cost, and 2^17/8/4 takes seconds on a loaded machine. The first test runs the real one.
 */
const cheapScrypt = (prs: Buffer, epoch: number) => new Promise<Buffer>((res, rej) =>
  scrypt(prs, epochSalt(epoch), 32, { N: 1024, r: 8, p: 1 }, (err, k) => (err ? rej(err) : res(k))));

/** Records the order of calls and the peak concurrency. */
function recordingDerive(kdf = cheapScrypt) {
  const calls: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const derive = async (prs: Buffer, epoch: number) => {
    calls.push(epoch);
    peak = Math.max(peak, ++inFlight);
    try { return await kdf(prs, epoch); } finally { inFlight--; }
  };
  return { derive, calls, peak: () => peak };
}

test('key ring with the real scrypt: the event loop stays free while it runs; keys equal section 4.2', async () => {
  const ring = new KeyRing({ now: () => at(12 * HOUR) });
  const a = passwordBytes('zone a passphrase')!;
  ring.add('a', a);
  ring.start();
  assert.equal(ring.get('a', E), undefined, 'nothing blocks: keys are simply not there yet');
  // A timer set now fires long before the first ~1 s derivation ends: the event loop is free.
  const order: string[] = [];
  const timer = new Promise<void>((res) => setTimeout(() => { order.push('timer'); res(); }, 10));
  const first = ring.whenReady('a', E).then(() => { order.push('keys'); });
  await Promise.all([timer, first]);
  assert.deepEqual(order, ['timer', 'keys']);
  assert.deepEqual(ring.get('a', E), epochKeys(await rendezvousKey(a, E), E));
  ring.close();
  ring.close();
});

test('key ring: one derivation at a time, the current epoch of every zone before any previous epoch', async () => {
  const r = recordingDerive();
  const ring = new KeyRing({ now: () => at(12 * HOUR), derive: r.derive });
  for (const z of ['a', 'b', 'c']) ring.add(z, passwordBytes(`zone ${z}`)!);
  ring.start();
  await ring.settled();
  assert.deepEqual(r.calls, [E, E, E, E - 1, E - 1, E - 1]);
  assert.equal(r.peak(), 1);
  assert.ok(ring.get('c', E - 1));
  ring.close();
});

test('key ring: next epoch precomputed in the last hour, rollover at midnight without a gap or a new derivation', async () => {
  let now = at(EPOCH_MS - HOUR + 1000);
  const r = recordingDerive();
  const ring = new KeyRing({ now: () => now, derive: r.derive });
  ring.add('z', passwordBytes('rollover zone')!);
  ring.start();
  await ring.settled();
  assert.deepEqual(r.calls, [E, E + 1, E - 1]);
  now = at(EPOCH_MS); // midnight: e+1 is now current
  ring.tick();
  await ring.settled();
  assert.deepEqual(r.calls, [E, E + 1, E - 1], 'the new current and previous epochs were already there');
  assert.ok(ring.get('z', E + 1) && ring.get('z', E));
  assert.equal(ring.get('z', E - 1), undefined, 'epochs before e-1 are dropped');
  ring.close();
});

test('key ring: a failed derivation is retried; a removed zone resolves its waiters; close() resolves the rest', async () => {
  const now = at(HOUR);
  let failures = 1;
  const ring = new KeyRing({
    now: () => now,
    retryMs: 5,
    derive: (prs, e) => (failures-- > 0 ? Promise.reject(new Error('ENOMEM: out of memory')) : cheapScrypt(prs, e)),
  });
  ring.add('z', passwordBytes('retry zone')!);
  ring.start();
  assert.ok(await ring.whenReady('z', E));
  const gone = ring.whenReady('nope', E);
  assert.equal(await gone, undefined);
  ring.add('y', passwordBytes('another zone')!);
  const pendingY = ring.whenReady('y', E + 5);
  ring.remove('y');
  assert.equal(await pendingY, undefined);
  const pendingZ = ring.whenReady('z', E + 7);
  ring.close();
  assert.equal(await pendingZ, undefined);
  await ring.settled();
});

test('a ring shared by many zones takes their listeners without a MaxListenersExceededWarning', async () => {
  const ring = new KeyRing({ derive: cheapScrypt });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => { warnings.push(w); };
  process.on('warning', onWarning);
  try {
    // Each v2 zone adds a keys and a tick listener for its channels and another pair for its hint source.
    for (let i = 0; i < 50; i++) ring.on('keys', () => undefined).on('tick', () => undefined);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
    assert.equal(ring.listenerCount('keys'), 50);
  } finally {
    process.off('warning', onWarning);
    ring.close();
  }
});

/** A derivation that runs until told to stop: records the signal it was given. */
function stoppableDerive() {
  const signals: (AbortSignal | undefined)[] = [];
  const zonesSeen: string[] = [];
  const derive = (prs: Buffer, epoch: number, signal?: AbortSignal) => {
    signals.push(signal);
    zonesSeen.push(prs.toString());
    if (prs.toString() !== 'hangs') return cheapScrypt(prs, epoch);
    return new Promise<Buffer>((_res, rej) => signal?.addEventListener('abort', () => rej(new Error('stopped')), { once: true }));
  };
  return { derive, signals, zonesSeen };
}

test('key ring: close() stops the derivation in flight instead of leaving it to run (a stopped daemon waited for it to exit)', async () => {
  const d = stoppableDerive();
  const ring = new KeyRing({ now: () => at(HOUR), derive: d.derive });
  ring.add('z', Buffer.from('hangs'));
  ring.start();
  assert.equal(d.signals.length, 1, 'the derivation of e started');
  assert.equal(d.signals[0]?.aborted, false);
  ring.close();
  assert.equal(d.signals[0]?.aborted, true, 'close() aborted it');
  await ring.settled();
});

test('key ring: removing (or re-keying) the zone being derived stops it and the next zone goes on at once, not after the retry delay', async () => {
  const d = stoppableDerive();
  const ring = new KeyRing({ now: () => at(HOUR), derive: d.derive, retryMs: 1e9 });
  ring.add('a', Buffer.from('hangs'));
  ring.add('b', Buffer.from('zone b'));
  ring.start();
  assert.deepEqual(d.zonesSeen, ['hangs']);
  ring.remove('a');
  assert.equal(d.signals[0]?.aborted, true);
  assert.ok(await ring.whenReady('b', E), 'b derived without waiting out retryMs');
  ring.add('c', Buffer.from('hangs'));
  // b's e-1 runs now; once it is stored the ring starts c's e at once (same turn).
  await ring.whenReady('b', E - 1);
  assert.equal(d.zonesSeen.at(-1), 'hangs', "c's derivation is in flight");
  const inFlight = d.signals.at(-1);
  ring.add('c', Buffer.from('zone c, new passphrase'));
  assert.equal(inFlight?.aborted, true, 're-keying c stopped the old passphrase\'s derivation');
  assert.ok(await ring.whenReady('c', E));
  ring.close();
});

test('deriveInChild: the same RK_e as rendezvousKey; an abort kills it at once and rejects with AbortError', async () => {
  const prs = passwordBytes('derive in a child process')!;
  assert.deepEqual(await deriveInChild(prs, E), await rendezvousKey(prs, E));
  const stop = new AbortController();
  const p = deriveInChild(prs, E + 1, stop.signal);
  stop.abort();
  await assert.rejects(p, { name: 'AbortError' });
  const already = new AbortController();
  already.abort();
  await assert.rejects(deriveInChild(prs, E, already.signal), { name: 'AbortError' });
});

test('the derivation child dies at once when its parent goes (a killed daemon left a scrypt running)', async () => {
  const child = fork(fileURLToPath(new URL('../../../../src/discovery/v2/derive-child.js', import.meta.url)), [], {
    execArgv: [], env: {}, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [ready] = await once(child, 'message');
  assert.equal(ready, 'ready');
  child.send({ prs: new Uint8Array(Buffer.from('orphaned derivation')), epoch: E });
  // The parent going away looks like this to the child: its IPC channel closes.
  child.disconnect();
  const [code, signal] = await exited;
  assert.deepEqual([code, signal], [null, 'SIGKILL'], 'killed itself rather than finishing the scrypt');
});
