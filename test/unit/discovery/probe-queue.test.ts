import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeQueue, type ProbeQueueLimits, type QueuedCandidate } from '../../../src/discovery/probe-queue.js';

const LIMITS: ProbeQueueLimits = { maxInFlight: 4, maxQueued: 50, maxQueuedPerIp: 8, maxInFlightPerIp: 1, maxInFlightPerPrefix: 4 };

/** A queue whose probes finish only when the test says so; records the start order. */
function harness(limits: Partial<ProbeQueueLimits> = {}) {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const q = new ProbeQueue({ ...LIMITS, ...limits }, (c) => {
    started.push(c.key);
    return new Promise<void>((resolve) => finishers.set(c.key, resolve));
  });
  const finish = async (key: string) => {
    const f = finishers.get(key);
    assert.ok(f, `${key} is running`);
    finishers.delete(key);
    f();
    await new Promise((r) => setImmediate(r));
  };
  const offer = (host: string, port: number, failures = 0) =>
    q.offer({ key: `${host}:${port}`, host, port, failures } satisfies QueuedCandidate);
  return { q, started, finish, offer, running: () => [...finishers.keys()] };
}

test('500 junk endpoints (20 IPs x 25 ports) queued first: an honest IP is the next probe started', async () => {
  const h = harness({ maxInFlight: 16, maxQueued: 256, maxInFlightPerPrefix: 4 });
  for (let port = 1; port <= 25; port++) for (let ip = 1; ip <= 20; ip++) h.offer(`198.51.${ip}.1`, port);
  assert.equal(h.running().length, 16, 'every slot taken by junk, one port per IP');
  assert.equal(h.offer('203.0.114.7', 4000), 'queued', 'the honest candidate arrives last and still gets in');
  // Junk probes reach their deadlines one by one; the honest IP goes right after the 20 junk IPs'
  // first ports, before any second port: a wait of two deadlines here, not of 500 probes.
  while (!h.started.includes('203.0.114.7:4000')) await h.finish(h.running()[0] as string);
  assert.equal(h.started.indexOf('203.0.114.7:4000'), 20);
  assert.ok(h.q.size <= 256 + 16, 'queue bounded');
  assert.equal(h.q.dropped, 500 - 16 - 20 * 8, 'beyond 8 waiting per IP, junk was dropped');
});

test('one endpoint per IP before a second port of any IP; one in flight per IP', async () => {
  const h = harness({ maxInFlight: 2 });
  h.offer('192.0.2.1', 1);
  h.offer('192.0.2.1', 2);
  h.offer('192.0.2.1', 3);
  h.offer('198.51.100.1', 1);
  h.offer('203.0.114.1', 1);
  assert.deepEqual(h.started, ['192.0.2.1:1', '198.51.100.1:1'], 'a second port of 192.0.2.1 waits');
  await h.finish('192.0.2.1:1');
  assert.equal(h.started[2], '203.0.114.1:1', 'an IP never tried goes before more ports of a tried one');
  await h.finish('198.51.100.1:1');
  await h.finish('203.0.114.1:1');
  assert.deepEqual(h.started.slice(3), ['192.0.2.1:2'], 'then the next port, still one at a time for that IP');
});

test('few at once per prefix', () => {
  const h = harness({ maxInFlight: 10, maxInFlightPerPrefix: 2 });
  for (let i = 1; i <= 5; i++) h.offer(`10.0.0.${i}`, 1);
  h.offer('10.0.1.1', 1);
  assert.deepEqual(h.running().sort(), ['10.0.0.1:1', '10.0.0.2:1', '10.0.1.1:1']);
});

test('candidates that failed before go to the back', () => {
  const h = harness({ maxInFlight: 1 });
  h.offer('10.0.0.1', 1); // runs at once
  h.offer('10.1.0.1', 1, 3);
  h.offer('10.2.0.1', 1, 1);
  h.offer('10.3.0.1', 1, 0);
  void h.finish('10.0.0.1:1');
  return new Promise<void>((resolve) => setImmediate(() => {
    assert.deepEqual(h.started, ['10.0.0.1:1', '10.3.0.1:1']);
    resolve();
  }));
});

test('bounded: when full, a better candidate pushes out the worst; a worse one is dropped', () => {
  const h = harness({ maxInFlight: 1, maxQueued: 3 });
  h.offer('10.0.0.1', 1); // in flight
  h.offer('10.1.0.1', 1, 2);
  h.offer('10.2.0.1', 1, 2);
  h.offer('10.3.0.1', 1, 2);
  assert.equal(h.offer('10.4.0.1', 1, 5), 'full', 'worse than everything waiting');
  assert.equal(h.offer('10.5.0.1', 1, 0), 'queued', 'a fresh candidate replaces the worst');
  assert.equal(h.q.has('10.3.0.1:1'), false, 'the latest of the equally failed ones went');
  assert.equal(h.q.dropped, 2);
  assert.equal(h.q.size, 4);
});

test('a key is never queued twice while waiting or in flight, and can come back after', async () => {
  const h = harness({ maxInFlight: 1 });
  assert.equal(h.offer('10.0.0.1', 1), 'queued');
  assert.equal(h.offer('10.0.0.1', 1), 'duplicate', 'in flight');
  assert.equal(h.offer('10.0.0.2', 1), 'queued');
  assert.equal(h.offer('10.0.0.2', 1), 'duplicate', 'waiting');
  await h.finish('10.0.0.1:1');
  assert.equal(h.q.has('10.0.0.1:1'), false);
  assert.equal(h.offer('10.0.0.1', 1), 'queued');
});

test('re-verifications go before every candidate; stop() drops everything waiting', async () => {
  const h = harness({ maxInFlight: 1 });
  h.offer('10.0.0.1', 1);
  h.offer('10.0.0.2', 1);
  let urgentRan = false;
  h.q.pushUrgent(async () => { urgentRan = true; });
  await h.finish('10.0.0.1:1');
  assert.equal(urgentRan, true);
  assert.deepEqual(h.started, ['10.0.0.1:1', '10.0.0.2:1']);
  h.q.stop();
  assert.equal(h.offer('10.0.0.9', 1), 'full');
  await h.finish('10.0.0.2:1');
  assert.deepEqual(h.started, ['10.0.0.1:1', '10.0.0.2:1']);
});
