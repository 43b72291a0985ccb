import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { wherezError } from '../errors.js';

/**
 * Atomic JSON state: write a temp file, fsync, rename over the old one, so a crash mid-write
 * leaves either the old or the new state, never a torn file.
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    const fh = await open(tmp, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    await rename(tmp, path);
  } catch (err) {
    throw wherezError('WHEREZ_STATE_WRITE', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, err);
  }
}

/** Missing or corrupt state is not an error: the node starts cold. */
export async function readJsonOrNull(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
