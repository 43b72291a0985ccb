import { fork } from 'node:child_process';
import { RENDEZVOUS_KEY_BYTES } from './keys.js';

const CHILD = new URL('./derive-child.js', import.meta.url);

/**
 * RK_e = scrypt(PRS, e) (keys.ts `rendezvousKey`, same bytes) in a child process, so that it can
 * be stopped. A scrypt on libuv's thread pool cannot be cancelled: a stopped daemon (or a finished
 * `wherez find`) stayed alive until it ended, ~1.1 s on an idle machine and 5 s or more on a loaded
 * one, and a removed zone kept burning a core and 128 MiB for that long. Aborting `signal` kills the
 * child at once and rejects with an AbortError. The passphrase bytes go over the IPC channel, never
 * argv or the environment (the child gets an empty one).
 */
export function deriveInChild(prs: Buffer, epoch: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError()); return; }
    let rk: Buffer | undefined;
    let settled = false;
    const done = (err: Error | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err); else resolve(rk!);
    };
    const child = fork(CHILD, [], {
      execArgv: [], env: {}, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const onAbort = () => { child.kill('SIGKILL'); done(abortError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (err: Error) => { child.kill('SIGKILL'); done(err); };
    child.on('message', (m: unknown) => {
      if (m === 'ready') {
        try { child.send({ prs: new Uint8Array(prs), epoch }, (err) => { if (err) fail(err); }); } catch (err) { fail(err as Error); }
      } else if (m instanceof Uint8Array && m.length === RENDEZVOUS_KEY_BYTES) {
        rk = Buffer.from(m);
      }
    });
    child.on('error', fail);
    child.on('exit', (code, sig) => {
      done(rk ? undefined : new Error(`v2 key derivation process ended without a key (exit ${code ?? sig})`));
    });
  });
}

function abortError(): Error {
  return new DOMException('the key derivation was stopped', 'AbortError');
}
