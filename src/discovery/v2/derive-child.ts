/**
 * Entry of the child process that derives one RK_e (see derive-process.ts): reads
 * { prs, epoch } from the IPC channel (never argv or the environment), runs the scrypt of
 * keys.ts, sends RK_e back and exits. Killed by its parent when the derivation is no longer wanted.
 */
import { rendezvousKey } from './keys.js';

interface Job { prs: Uint8Array; epoch: number }

// The parent is gone (killed with -9, crashed): nobody wants the key, stop at once.
process.once('disconnect', () => process.exit(0));

process.once('message', (job: Job) => {
  rendezvousKey(Buffer.from(job.prs), job.epoch).then((rk) => {
    process.send!(new Uint8Array(rk), () => process.exit(0));
  }, (err: Error) => {
    process.stderr.write(`wherez: v2 key derivation failed: ${err.message}\n`);
    process.exit(1);
  });
});
