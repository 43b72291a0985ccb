import { parentPort, workerData } from 'node:worker_threads';
import { passphraseBits } from './passphrase-strength.js';

/** Runs zxcvbn off the main thread (loading it costs seconds of CPU); answers bits per passphrase. */
const list = workerData as Uint8Array[];
const bits: number[] = [];
for (const p of list) bits.push(await passphraseBits(Buffer.from(p)));
parentPort?.postMessage(bits);
