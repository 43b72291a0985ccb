import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { Worker } from 'node:worker_threads';
import type { ZoneConfig } from './types.js';

/**
 * Passphrase strength by zxcvbn-ts (a maintained estimator: dictionaries, keyboard patterns,
 * l33t, dates, repeats), not a length rule. v2 makes every offline guess cost a 2^17/8/4 scrypt
 * per epoch, but a targeted attacker still walks a dictionary: below WEAK_PASSPHRASE_BITS a zone
 * is warned about (design 4.3: zones need >= 50 bits). Only the estimate leaves this module.
 */
export const WEAK_PASSPHRASE_BITS = 50;
/** zxcvbn's cost grows with length; beyond this many characters the estimate is already huge. */
const MAX_CHECKED_CHARS = 256;

let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * Loaded on first use: the dictionaries take a second or more to import and build, which must
 * not delay `serve` answering DNS (it checks after it is serving).
 */
function zxcvbn(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory: Factory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en'),
    ]);
    return new Factory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      maxLength: MAX_CHECKED_CHARS,
    });
  })();
  return estimator;
}

/** Estimated entropy in bits (log2 of the guesses zxcvbn expects an attacker to need). */
export async function passphraseBits(passphrase: Buffer): Promise<number> {
  const text = passphrase.toString('utf8').slice(0, MAX_CHECKED_CHARS);
  const r = (await zxcvbn()).check(text);
  return r.guessesLog10 * Math.log2(10);
}

/**
 * The estimates of several passphrases, computed in a worker thread so DNS answers never wait.
 * Aborting `signal` terminates the worker and rejects with an AbortError: loading the dictionaries
 * takes a second or more, and a `serve` stopped right after start waited for it to exit.
 */
function bitsInWorker(passphrases: readonly Buffer[], signal?: AbortSignal): Promise<number[]> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError()); return; }
    const w = new Worker(new URL('./passphrase-strength-worker.js', import.meta.url), { workerData: passphrases.map((p) => new Uint8Array(p)) });
    const onAbort = () => { reject(abortError()); void w.terminate(); };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    w.once('message', (bits: number[]) => { done(); resolve(bits); void w.terminate(); });
    w.once('error', (err) => { done(); reject(err); });
    w.once('exit', (code) => { done(); if (code !== 0) reject(new Error(`strength worker exited ${code}`)); });
  });
}

function abortError(): Error {
  return new DOMException('the passphrase check was stopped', 'AbortError');
}

/** One warning per zone whose passphrase is weak; never the passphrase itself. `signal` stops the check. */
export async function weakPassphraseWarnings(zones: readonly ZoneConfig[], signal?: AbortSignal): Promise<string[]> {
  if (zones.length === 0) return [];
  const all = await bitsInWorker(zones.map((z) => z.passphrase), signal);
  const out: string[] = [];
  for (const [i, z] of zones.entries()) {
    const bits = all[i] ?? 0;
    if (bits < WEAK_PASSPHRASE_BITS) {
      out.push(`zones.${z.label}: weak passphrase (about ${Math.round(bits)} bits by zxcvbn, want ${WEAK_PASSPHRASE_BITS}+): ` +
        'anyone near the zone\'s infohash can test guesses offline; make a new one with `wherez passphrase`');
    }
  }
  return out;
}
