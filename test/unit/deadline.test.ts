import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDeadline } from '../../src/deadline.js';
import { isWherezError } from '../../src/errors.js';

test('a step that never settles fails with WHEREZ_START_TIMEOUT naming it, and its cleanup runs', async () => {
  let released = false;
  const never = new Promise<void>(() => undefined);
  await assert.rejects(withDeadline(never, 20, 'dht start', () => { released = true; }),
    (e: unknown) => isWherezError(e, 'WHEREZ_START_TIMEOUT') && e.message === 'WHEREZ_START_TIMEOUT: dht start did not complete within 20 ms');
  assert.equal(released, true);
});

test('a step that settles in time passes its value or error through, and no timer is left', async () => {
  assert.equal(await withDeadline(Promise.resolve(7), 1_000, 'x'), 7);
  await assert.rejects(withDeadline(Promise.reject(new Error('bind failed')), 1_000, 'x'), /bind failed/);
  assert.deepEqual(process.getActiveResourcesInfo().filter((r) => r === 'Timeout'), []);
});
