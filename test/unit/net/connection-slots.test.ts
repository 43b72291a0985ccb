import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionSlots, type ConnectionSlot } from '../../../src/net/connection-slots.js';

test('per-IP and per-prefix shares; IPv4-mapped addresses count as their IPv4 source', () => {
  const slots = new ConnectionSlots({ max: 100, maxPerIp: 2, maxPerPrefix: 3, minAgeToPreemptMs: 0 });
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
  const slots = new ConnectionSlots({ max: 1, maxPerIp: 1, maxPerPrefix: 1, minAgeToPreemptMs: 0 });
  const a = slots.acquire('10.0.0.1', () => undefined);
  assert.ok(a.ok);
  a.slot.release();
  a.slot.release();
  assert.equal(slots.size, 0);
  assert.equal(slots.acquire('10.0.0.1', () => undefined).ok, true);
});

test('when full, a newcomer from a quieter prefix takes the oldest slot of the busiest prefix', () => {
  const slots = new ConnectionSlots({ max: 4, maxPerIp: 4, maxPerPrefix: 4, minAgeToPreemptMs: 0 });
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
  const slots = new ConnectionSlots({ max: 2, maxPerIp: 2, maxPerPrefix: 2, minAgeToPreemptMs: 0 });
  assert.ok(slots.acquire('10.0.0.1', () => undefined).ok);
  assert.ok(slots.acquire('10.1.0.1', () => undefined).ok);
  assert.deepEqual(slots.acquire('10.1.0.2', () => undefined), { ok: false, reason: 'full' });
  const fresh = slots.acquire('10.2.0.1', () => undefined);
  assert.ok(fresh.ok && fresh.preempted, 'a prefix holding nothing still gets a slot');
});

test('a slot changes hands only once it is old enough; a flood from fewer prefixes than slots settles', () => {
  let now = 0;
  const slots = new ConnectionSlots({ max: 3, maxPerIp: 3, maxPerPrefix: 3, minAgeToPreemptMs: 1_000 }, () => now);
  for (const a of ['10.0.0.1', '10.0.0.2', '10.1.0.1']) assert.ok(slots.acquire(a, () => undefined).ok);
  assert.deepEqual(slots.acquire('10.2.0.1', () => undefined), { ok: false, reason: 'full' }, 'nobody is old enough yet');
  now = 1_000;
  assert.deepEqual(slots.acquire('10.1.0.2', () => undefined), { ok: false, reason: 'full' },
    'holding 1 against a busiest 2: a swap would not be fairer, so the flood stops churning');
  let honestPreempted = false;
  const honest = slots.acquire('192.168.7.7', () => { honestPreempted = true; });
  assert.ok(honest.ok && honest.preempted, 'a prefix without a slot takes the oldest of the busiest');
  const next = slots.acquire('10.3.0.1', () => undefined);
  assert.ok(next.ok, 'another empty prefix takes an old slot too');
  assert.equal(honestPreempted, false, 'never the young honest one');
});
