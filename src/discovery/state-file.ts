import { constants } from 'node:fs';
import { mkdir, readdir, rename, unlink, writeFile, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { wherezError } from '../errors.js';

/**
 * Small JSON state files (DHT routing table, known peers) that survive crashes:
 * - `writeJsonAtomic(path, value)`: temp file, fsync, rename, so a crash mid-write leaves the old
 *   or the new state, never a torn file;
 * - `readJsonOrNull(path)`: the start-of-life read; missing or corrupt state is null (start
 *   cold), and temp files a killed writer left next to `path` are removed first.
 * Temp files are named `<path>.<pid>.<seq>.tmp`: the pid tells a dead writer's leftovers from
 * a live one's, the sequence keeps two writes of one process apart.
 */

let seq = 0;

export interface WriteHooks {
  /** Runs between the fsync of the temp file and the rename (tests pause there to kill -9 mid-write). */
  beforeRename?: () => Promise<void>;
}

export async function writeJsonAtomic(path: string, value: unknown, hooks: WriteHooks = {}): Promise<void> {
  const tmp = `${path}.${process.pid}.${seq++}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    const fh = await open(tmp, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    await hooks.beforeRename?.();
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw wherezError('WHEREZ_STATE_WRITE', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, err);
  }
}

/**
 * Missing or corrupt state is not an error: the node starts cold. Only a regular file is read:
 * the open is non-blocking, so a FIFO or device in its place cannot hang the start (a read
 * stuck in the thread pool would even keep process.exit from finishing).
 */
export async function readJsonOrNull(path: string): Promise<unknown> {
  const r = await readJsonState(path);
  return r.ok ? r.value : null;
}

/** The start-of-life read, saying why there is no state (for a log line): missing, unreadable or not JSON. */
export async function readJsonState(path: string): Promise<{ ok: true; value: unknown } | { ok: false; why: 'missing' | 'unreadable' | 'not JSON' }> {
  await removeStaleTemps(path);
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { ok: false, why: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' };
  }
  let text: string;
  try {
    if (!(await fh.stat()).isFile()) return { ok: false, why: 'unreadable' };
    text = await fh.readFile('utf8');
  } catch {
    return { ok: false, why: 'unreadable' };
  } finally {
    await fh.close();
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, why: 'not JSON' };
  }
}

/**
 * Removes `<path>.<pid>[.<seq>].tmp` files whose writer is gone (kill -9 between write and
 * rename). Our own pid counts as gone: we call this before our first write, and a container
 * restarts with the same pid. Resolves with how many were removed; never throws.
 */
export async function removeStaleTemps(path: string): Promise<number> {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)(?:\.\d+)?\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid > 0 && pid !== process.pid && processAlive(pid)) continue;
    try {
      await unlink(join(dirname(path), name));
      removed++;
    } catch { /* gone already, or not ours to remove */ }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists and belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
