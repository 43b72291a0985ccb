import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonOrNull, removeStaleTemps, writeJsonAtomic } from '../../../src/discovery/state-file.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The pid of a process that has exited (a real one, so the number is plausible). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

test('temp files a killed writer left are removed at the first read; live writers\' and others\' are kept', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'dht-6881.json');
  await writeJsonAtomic(path, { a: 1 });
  const dead = deadPid();
  await writeFile(`${path}.${dead}.tmp`, '{"torn');            // the old name format
  await writeFile(`${path}.${dead}.7.tmp`, '{"torn');
  await writeFile(`${path}.${process.pid}.3.tmp`, '{"torn');   // our own pid: a previous life in a container
  await writeFile(`${path}.1.0.tmp`, 'init is alive');          // pid 1 lives: not ours to judge
  await writeFile(join(dir, 'peers.json.123.tmp'), 'another file');
  assert.deepEqual(await readJsonOrNull(path), { a: 1 });
  assert.deepEqual((await readdir(dir)).sort(), ['dht-6881.json', 'dht-6881.json.1.0.tmp', 'peers.json.123.tmp']);
  assert.equal(await removeStaleTemps(join(dir, 'missing', 'x.json')), 0, 'a missing directory is no error');
});

test('concurrent writes of one process never share a temp file; the last one wins whole', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'state.json');
  const big = (n: number) => ({ n, pad: 'x'.repeat(200_000) });
  await Promise.all([1, 2, 3, 4].map((n) => writeJsonAtomic(path, big(n))));
  const got = await readJsonOrNull(path) as { n: number; pad: string };
  assert.ok([1, 2, 3, 4].includes(got.n));
  assert.equal(got.pad.length, 200_000);
  assert.deepEqual(await readdir(dir), ['state.json'], 'no temp file left behind');
});

test('missing, corrupt or non-regular state reads as null, without blocking on a FIFO', async (t) => {
  const dir = await tempDir(t);
  assert.equal(await readJsonOrNull(join(dir, 'none.json')), null);
  await writeFile(join(dir, 'bad.json'), '{"torn');
  assert.equal(await readJsonOrNull(join(dir, 'bad.json')), null);
  // A FIFO with no writer: a blocking open would wait forever (in the thread pool).
  execFileSync('mkfifo', [join(dir, 'fifo.json')]);
  assert.equal(await readJsonOrNull(join(dir, 'fifo.json')), null);
  assert.equal(await readJsonOrNull(dir), null, 'a directory');
});
