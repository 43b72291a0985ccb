import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { DEFAULT_TIMING } from '../../src/discovery/timing.js';
import { KeyRing } from '../../src/discovery/v2/key-ring.js';
import { epochAt } from '../../src/discovery/v2/keys.js';
import { refusedPort } from '../helpers/tcp.js';

/*
 * Design 4.8: the dialer backs off a failing (IP, port) for 30 s, doubling to 1 h, on v2; v1 dials
 * keep discovery's shorter backoff (5 s to 5 min). A fake clock decides when a contact offered
 * again is dialled; the dials themselves are real (to a refused port on loopback).
 */
const PASS = Buffer.from('dial backoff');
/** A stand-in for scrypt: the backoff does not care what the keys are, only that they exist. */
const cheap = (prs: Buffer, epoch: number) => Promise.resolve(createHash('sha256').update(prs).update(String(epoch)).digest());

async function setup(t: { after: (fn: () => Promise<void> | void) => void }, protocol: 'v1' | 'v2') {
  let clock = Date.now();
  const now = () => clock;
  const dht = new DhtNode({ host: '127.0.0.91', port: 0, bootstrap: [] });
  await dht.start();
  t.after(() => dht.close());
  const ring = new KeyRing({ now, derive: cheap });
  const d = new Discovery({
    passphrase: PASS, dht, protocol, now, random: () => 0.5, host: '127.0.0.91',
    timing: { connectTimeoutMs: 2_000, readTimeoutMs: 2_000 }, v2: { keys: ring, zone: 'z' },
  });
  t.after(() => d.close());
  ring.start();
  t.after(() => ring.close());
  if (protocol === 'v2') assert.ok(await ring.whenReady('z', epochAt(clock)));
  const port = await refusedPort('127.0.0.92');
  /** Offers the contact again; resolves with whether it was dialled. */
  const offer = async (): Promise<boolean> => {
    const before = d.stats.probes;
    const failed = once(d, 'unverified');
    d.seed([{ host: '127.0.0.92', authPort: port }]);
    if (d.stats.probes === before) return false;
    await failed;
    // The queue lets go of the key once the probe's promise chain has settled (microtasks).
    await new Promise((r) => setImmediate(r));
    return true;
  };
  return { d, offer, advance: (ms: number) => { clock += ms; } };
}

test('a v2 endpoint that keeps failing is dialled again after 30 s, 60 s, ... and at most hourly', { timeout: 30_000 }, async (t) => {
  const { d, offer, advance } = await setup(t, 'v2');
  assert.equal(await offer(), true, 'first dial');
  const waits: number[] = [];
  for (let failures = 1; failures <= 10; failures++) {
    const wait = Math.min(60 * 60_000, 30_000 * 2 ** (failures - 1));
    waits.push(wait);
    advance(wait - 1);
    assert.equal(await offer(), false, `not before ${wait} ms after failure ${failures}`);
    advance(1);
    assert.equal(await offer(), true, `dialled again ${wait} ms after failure ${failures}`);
  }
  assert.deepEqual(waits.slice(-4), [1_920_000, 3_600_000, 3_600_000, 3_600_000], 'doubling, capped at an hour');
  assert.equal(d.stats.failures.refused, 11);
  assert.equal(DEFAULT_TIMING.v2BackoffBaseMs, 30_000);
  assert.equal(DEFAULT_TIMING.v2BackoffMaxMs, 60 * 60_000);
});

test('a v1 endpoint keeps the shorter backoff of discovery (5 s first)', { timeout: 30_000 }, async (t) => {
  const { offer, advance } = await setup(t, 'v1');
  assert.equal(await offer(), true);
  advance(DEFAULT_TIMING.backoffBaseMs - 1);
  assert.equal(await offer(), false);
  advance(1);
  assert.equal(await offer(), true);
});
