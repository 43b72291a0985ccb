import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionSlots, type ConnectionSlot } from '../../../src/net/connection-slots.js';

test('per-IP and per-prefix shares; IPv4-mapped addresses count as their IPv4 source', () => {
  const slots = new ConnectionSlots({ max: 100, maxPerIp: 2, maxPerPrefix: 3 });
  const ok = (a: string) => slots.acquire(a, () => undefined).ok;
  assert.equal(ok('10.0.0.1'), true);
  assert.equal(ok('::ffff:10.0.0.1'), true);
  assert.deepEqual(slots.acquire('10.0.0.1', () => undefined), { ok: false, reason: 'per-ip' });
  assert.equal(ok('10.0.0.2'), true);
  assert.deepEqual(slots.acquire('10.0.0.3', () => undefined), { ok: false, reason: 'per-prefix' });
  assert.equal(ok('10.0.1.3'), true, 'another /24');
  assert.equal(slots.size, 4);
});

test('released slots are free again; release is idempotent', () => {
  const slots = new ConnectionSlots({ max: 1, maxPerIp: 1, maxPerPrefix: 1 });
  const a = slots.acquire('10.0.0.1', () => undefined);
  assert.ok(a.ok);
  a.slot.release();
  a.slot.release();
  assert.equal(slots.size, 0);
  assert.equal(slots.acquire('10.0.0.1', () => undefined).ok, true);
});

test('when full, a newcomer from a quieter prefix takes the oldest slot of the busiest prefix', () => {
  const slots = new ConnectionSlots({ max: 4, maxPerIp: 4, maxPerPrefix: 4 });
  const preempted: string[] = [];
  const held: ConnectionSlot[] = [];
  for (let i = 0; i < 3; i++) {
    const a = slots.acquire(`10.0.0.${i + 1}`, () => preempted.push(`10.0.0.${i + 1}`));
    assert.ok(a.ok);
    held.push(a.slot);
  }
  assert.ok(slots.acquire('10.9.0.1', () => preempted.push('10.9.0.1')).ok);
  const b = slots.acquire('10.8.0.1', () => undefined);
  assert.ok(b.ok);
  assert.deepEqual(preempted, [], 'the victim is closed by the caller, after the newcomer is admitted');
  b.preempted?.();
  assert.deepEqual(preempted, ['10.0.0.1'], 'the oldest of the busiest /24');
  assert.equal(slots.size, 4);
  held[0]?.release(); // the victim's close releases again: no double count
  assert.equal(slots.size, 4);
});

test('equal shares stay put: a full table of one slot per prefix refuses a newcomer from a held prefix', () => {
  const slots = new ConnectionSlots({ max: 2, maxPerIp: 2, maxPerPrefix: 2 });
  assert.ok(slots.acquire('10.0.0.1', () => undefined).ok);
  assert.ok(slots.acquire('10.1.0.1', () => undefined).ok);
  assert.deepEqual(slots.acquire('10.1.0.2', () => undefined), { ok: false, reason: 'full' });
  const fresh = slots.acquire('10.2.0.1', () => undefined);
  assert.ok(fresh.ok && fresh.preempted, 'a prefix holding nothing still gets a slot');
});
