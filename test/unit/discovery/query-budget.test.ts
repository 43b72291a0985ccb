import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryBudget } from '../../../src/discovery/query-budget.js';

test('query budget: a burst per destination, then the sustained rate; other destinations unaffected', () => {
  let now = 0;
  const b = new QueryBudget(() => now, 2, 5);
  for (let i = 0; i < 5; i++) assert.equal(b.take('10.0.0.1:6881'), true, `burst query ${i}`);
  assert.equal(b.take('10.0.0.1:6881'), false, 'burst spent');
  assert.equal(b.take('10.0.0.1:6882'), true, 'another node (same IP, other port) has its own bucket');
  now += 500; // half a second at 2/s: one token
  assert.equal(b.take('10.0.0.1:6881'), true);
  assert.equal(b.take('10.0.0.1:6881'), false);
  now += 60_000; // refills up to the burst, not beyond
  for (let i = 0; i < 5; i++) assert.equal(b.take('10.0.0.1:6881'), true);
  assert.equal(b.take('10.0.0.1:6881'), false);
  assert.equal(b.refused, 3);
});
