import { wherezError } from './errors.js';

/**
 * Bounds one start step: resolves or rejects as `step` does, or rejects with
 * WHEREZ_START_TIMEOUT naming `what` after `ms`. `onTimeout` releases what the step holds (a
 * half-bound socket); the step itself is not cancelled, so it must tolerate that.
 */
export function withDeadline<T>(step: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(wherezError('WHEREZ_START_TIMEOUT', `${what} did not complete within ${ms} ms`));
    }, ms);
  });
  return Promise.race([step, timeout]).finally(() => clearTimeout(timer));
}
