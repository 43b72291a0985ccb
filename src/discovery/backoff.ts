import { jittered } from './timing.js';

/** Exponential backoff after `failures` consecutive failures (1 = first failure), jittered. */
export function backoffMs(failures: number, baseMs: number, maxMs: number, jitter: number, random?: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, failures - 1)));
  return Math.min(maxMs, jittered(exp, jitter, random));
}

/** Next fast-lookup delay: doubles from min to max while peers are missing. */
export function nextLookupDelay(previousMs: number | undefined, minMs: number, maxMs: number): number {
  return previousMs === undefined ? minMs : Math.min(maxMs, previousMs * 2);
}
