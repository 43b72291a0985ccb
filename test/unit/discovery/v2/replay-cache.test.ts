import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayCache } from '../../../../src/discovery/v2/replay-cache.js';

const cr = (i: number) => Buffer.alloc(32, i);

test('a cr is fresh once, a replay within the TTL is not, and it is fresh again after the TTL', () => {
  let now = 0;
  const c = new ReplayCache(1_000, 10, () => now);
  assert.equal(c.fresh(cr(1)), true);
  now = 999;
  assert.equal(c.fresh(cr(1)), false);
  now = 1_000;
  assert.equal(c.fresh(cr(1)), true);
});

test('expired entries are dropped as new ones arrive: memory follows use, not capacity', () => {
  let now = 0;
  const c = new ReplayCache(1_000, 100_000, () => now);
  assert.equal(c.size, 0);
  for (let i = 0; i < 5; i++) c.fresh(cr(i));
  assert.equal(c.size, 5);
  now = 1_500;
  c.fresh(cr(99));
  assert.equal(c.size, 1);
});

test('when full, the oldest cr goes first', () => {
  const c = new ReplayCache(60_000, 3, () => 0);
  for (let i = 0; i < 4; i++) assert.equal(c.fresh(cr(i)), true);
  assert.equal(c.size, 3);
  assert.equal(c.fresh(cr(3)), false);
  assert.equal(c.fresh(cr(0)), true, 'the oldest was evicted');
});
