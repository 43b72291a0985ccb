import { EPOCH_SECONDS, epochAt } from './keys.js';

/**
 * Which epochs a v2 node uses at a given time (design section 4.3). Pure.
 * - announce: IH_e, plus IH_{e+1} in the last hour of e (peers up to an hour ahead find us);
 * - lookup: IH_e and IH_{e-1} (peers whose clock is a little behind, or that have not rolled
 *   over yet), plus IH_{e+1} in the last hour;
 * - accept (listener): e-1, e, e+1.
 */
export const EPOCH_MS = EPOCH_SECONDS * 1000;
export const PRECOMPUTE_BEFORE_MS = 60 * 60_000;

export interface EpochWindow {
  current: number;
  announce: number[];
  lookup: number[];
  accept: number[];
  /** Keys to hold now, most urgent first. */
  derive: number[];
  /** When the answer changes next (the last-hour start or midnight), ms since the Unix epoch. */
  nextChangeAt: number;
}

export function inLastHour(nowMs: number): boolean {
  return nowMs >= (epochAt(nowMs) + 1) * EPOCH_MS - PRECOMPUTE_BEFORE_MS;
}

export function epochWindow(nowMs: number): EpochWindow {
  const e = epochAt(nowMs);
  const late = inLastHour(nowMs);
  const lastHourAt = (e + 1) * EPOCH_MS - PRECOMPUTE_BEFORE_MS;
  return {
    current: e,
    announce: late ? [e, e + 1] : [e],
    lookup: late ? [e, e - 1, e + 1] : [e, e - 1],
    accept: [e - 1, e, e + 1],
    derive: late ? [e, e + 1, e - 1] : [e, e - 1],
    nextChangeAt: late ? (e + 1) * EPOCH_MS : lastHourAt,
  };
}
