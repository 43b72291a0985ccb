import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { passphraseBits } from './passphrase-strength.js';

/**
 * Runs zxcvbn off the main thread (loading it costs seconds of CPU); answers bits per passphrase.
 * At the lowest priority: on Linux a nice value belongs to the calling thread, so the check (23 s
 * of CPU for 1,000 zones on a loaded machine) no longer competes with the daemon's first lookups.
 * Elsewhere it would lower the whole process, so it is left alone there.
 */
if (process.platform === 'linux') {
  try { setPriority(19); } catch { /* not permitted: run at normal priority */ }
}
const list = workerData as Uint8Array[];
const bits: number[] = [];
for (const p of list) bits.push(await passphraseBits(Buffer.from(p)));
parentPort?.postMessage(bits);
