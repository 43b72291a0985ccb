import type { DiscoveryTiming } from '../../src/discovery/timing.js';

/** Short discovery timers for tests: real sockets, real DHT, no mocks, just faster clocks. */
export const FAST_TIMING: Partial<DiscoveryTiming> = {
  lookupFastMinMs: 100,
  lookupFastMaxMs: 400,
  lookupSlowMs: 1_000,
  reannounceMs: 2_000,
  reverifyMs: 500,
  reverifyRetryMs: 100,
  backoffBaseMs: 200,
  backoffMaxMs: 1_000,
  v2BackoffBaseMs: 200,
  v2BackoffMaxMs: 1_000,
  connectTimeoutMs: 500,
  readTimeoutMs: 300,
};

/**
 * Polls a condition on the event loop until it holds, failing after `timeoutMs`. Used only where
 * the condition spans several processes or sockets with no single event to await.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
