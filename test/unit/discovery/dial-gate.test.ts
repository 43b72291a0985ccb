import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialGate } from '../../../src/discovery/dial-gate.js';

test('dial gate: at most N dials per host, the rest wait in order; other hosts are not held up', async () => {
  const gate = new DialGate(2);
  const a1 = await gate.acquire('10.0.0.1');
  const a2 = await gate.acquire('10.0.0.1');
  assert.ok(a1 && a2);
  const order: number[] = [];
  const w3 = gate.acquire('10.0.0.1').then((r) => { order.push(3); return r; });
  const w4 = gate.acquire('10.0.0.1').then((r) => { order.push(4); return r; });
  const other = await gate.acquire('10.0.0.2');
  assert.ok(other, 'another host has its own slots');
  assert.equal(gate.inFlight('10.0.0.1'), 2);
  assert.equal(gate.queued('10.0.0.1'), 2);
  a1();
  a1(); // a second release of one slot frees nothing more
  const r3 = await w3;
  assert.deepEqual(order, [3]);
  assert.equal(gate.inFlight('10.0.0.1'), 2);
  a2();
  const r4 = await w4;
  assert.deepEqual(order, [3, 4]);
  r3!(); r4!(); other();
  assert.equal(gate.inFlight('10.0.0.1'), 0);
  assert.equal(gate.queued('10.0.0.1'), 0);
  assert.equal(gate.inFlight('10.0.0.2'), 0);
});

test('dial gate: an abort while waiting gives null and leaves the queue; an aborted signal never takes a slot', async () => {
  const gate = new DialGate(1);
  const held = await gate.acquire('h');
  const ac = new AbortController();
  const waiting = gate.acquire('h', ac.signal);
  const after = gate.acquire('h');
  assert.equal(gate.queued('h'), 2);
  ac.abort();
  assert.equal(await waiting, null);
  assert.equal(gate.queued('h'), 1);
  assert.equal(await gate.acquire('h', ac.signal), null);
  held!();
  const next = await after;
  assert.ok(next, 'the slot went to the next live waiter');
  next();
  assert.equal(gate.inFlight('h'), 0);
});
