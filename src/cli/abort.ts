/** What `untilAborted` resolves with when the signal came first. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Waits for `work` unless `signal` aborts first (a SIGTERM during a start that hangs): then
 * resolves with ABORTED at once and leaves `work` to settle on its own (its rejection is
 * swallowed: the caller has already given up on it and closes what it started).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.resolve(ABORTED);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
