import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LookupHealth } from '../../../src/discovery/lookup-health.js';

test('down after two empty lookups in a row, up again after one that reached a node', () => {
  const h = new LookupHealth(2);
  assert.equal(h.record(0), false);
  assert.equal(h.down, false);
  assert.equal(h.record(3), false, 'one answer resets the count');
  assert.equal(h.record(0), false);
  assert.equal(h.record(0), true);
  assert.equal(h.down, true);
  assert.equal(h.record(0), false, 'no flip while still down');
  assert.equal(h.record(1), true);
  assert.equal(h.down, false);
});
