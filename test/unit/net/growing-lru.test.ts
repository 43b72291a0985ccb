import { test } from 'node:test';
import assert from 'node:assert/strict';
import { growingLru } from '../../../src/net/growing-lru.js';

test('a growing LRU keeps at most max entries and evicts the least recently used', () => {
  const c = growingLru<string, number>(3);
  for (const k of ['a', 'b', 'c']) c.set(k, 1);
  assert.equal(c.get('a'), 1); // a is now the most recent
  c.set('d', 1);
  assert.equal(c.size, 3);
  assert.equal(c.has('b'), false, 'b was the least recently used');
  assert.deepEqual([...c.keys()].sort(), ['a', 'c', 'd']);
});

test('its memory follows use: 1,000 empty caches of 65,536 entries cost little heap', () => {
  const before = process.memoryUsage();
  const caches = Array.from({ length: 1_000 }, () => growingLru<string, number>(65_536));
  const after = process.memoryUsage();
  const grew = (after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers);
  // Preallocated, these were ~1.8 GB; empty growing ones are a few KB each.
  assert.ok(grew < 64 * 1024 * 1024, `${Math.round(grew / 1048576)} MB for ${caches.length} empty caches`);
});
