/**
 * Entry of the child process that derives one RK_e (see derive-process.ts): says `ready`, reads
 * { prs, epoch } from the IPC channel (never argv or the environment), runs the scrypt of
 * keys.ts, sends RK_e back and exits. Killed by its parent when the derivation is no longer wanted.
 */
import { rendezvousKey } from './keys.js';

interface Job { prs: Uint8Array; epoch: number }

// The parent is gone (killed with -9, crashed, or it disconnected): nobody wants the key, stop at
// once. Not process.exit(): it waits for a scrypt running on the thread pool to finish.
const die = () => process.kill(process.pid, 'SIGKILL');
process.once('disconnect', die);
if (!process.connected) die();

process.once('message', (job: Job) => {
  rendezvousKey(Buffer.from(job.prs), job.epoch).then((rk) => {
    process.send!(new Uint8Array(rk), () => process.exit(0));
  }, (err: Error) => {
    process.stderr.write(`wherez: v2 key derivation failed: ${err.message}\n`);
    process.exit(1);
  });
});
// Handlers are in place: the job may come now (a message sent before would find no listener).
process.send!('ready');
