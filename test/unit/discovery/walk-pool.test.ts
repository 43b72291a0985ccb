import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WalkPool } from '../../../src/discovery/walk-pool.js';

/** A job that runs until `release()` is called, recording its start. */
function gate(order: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => { release = r; });
  return { job: () => { order.push(name); return done; }, release: () => release() };
}

test('at most `limit` jobs run at once; the next starts when one settles', async () => {
  const pool = new WalkPool(2);
  const order: string[] = [];
  const g = ['a', 'b', 'c'].map((n) => gate(order, n));
  const runs = g.map((x) => pool.run(x.job));
  assert.deepEqual(order, ['a', 'b']);
  assert.equal(pool.active, 2);
  assert.equal(pool.queued, 1);
  g[0]!.release();
  await runs[0];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['a', 'b', 'c']);
  g[1]!.release(); g[2]!.release();
  await Promise.all(runs);
  assert.equal(pool.active, 0);
  assert.equal(pool.queuedTotal, 1);
});

test('waiting jobs go by rank (first walks first), equal ranks in arrival order', async () => {
  const pool = new WalkPool(1);
  const order: string[] = [];
  const first = gate(order, 'running');
  const runs = [pool.run(first.job, 0)];
  const later = [['second-walk-x', 1], ['first-walk-y', 0], ['third-walk-z', 2], ['first-walk-w', 0]] as const;
  for (const [name, rank] of later) runs.push(pool.run(() => { order.push(name); return Promise.resolve(); }, rank));
  first.release();
  await Promise.all(runs);
  assert.deepEqual(order, ['running', 'first-walk-y', 'first-walk-w', 'second-walk-x', 'third-walk-z']);
});

test('a job that throws or rejects frees its slot and rejects its caller', async () => {
  const pool = new WalkPool(1);
  await assert.rejects(pool.run(() => { throw new Error('sync'); }), /sync/);
  await assert.rejects(pool.run(() => Promise.reject(new Error('async'))), /async/);
  assert.equal(await pool.run(() => Promise.resolve(7)), 7);
  assert.equal(pool.active, 0);
});
