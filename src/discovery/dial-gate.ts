/** Dials in flight to one destination IP, across every zone of a daemon (below the listener's 8 per IP). */
export const DIALS_PER_HOST = 4;

/**
 * One daemon's dials to one host, across all its zones. A listener admits a few connections per
 * source IP (src/net/connection-slots.ts: 8), and zones that share a sibling also share its auth
 * port (v2), so 100 zones verifying the same sibling at once would see 92 dials closed at accept
 * and back off for 30 s or more. The gate makes the extra dials wait their turn instead: FIFO per
 * host, a slot handed straight to the next waiter. Waiters are bounded by the zones' own probe
 * caps (each zone has at most maxConcurrentProbes in flight), so the gate keeps no cap of its own.
 */
export class DialGate {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perHost: number = DIALS_PER_HOST) {}

  /** Resolves with the release of a slot for `host`, or null if `signal` aborts first. */
  acquire(host: string, signal?: AbortSignal): Promise<(() => void) | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const n = this.active.get(host) ?? 0;
    if (n < this.perHost) {
      this.active.set(host, n + 1);
      return Promise.resolve(this.releaser(host));
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(host) ?? [];
      this.waiting.set(host, queue);
      const onAbort = (): void => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0 && this.waiting.get(host) === queue) this.waiting.delete(host);
        resolve(null);
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.releaser(host));
      };
      queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Dials in flight to `host` (for tests and status). */
  inFlight(host: string): number {
    return this.active.get(host) ?? 0;
  }

  /** Dials waiting for `host`. */
  queued(host: string): number {
    return this.waiting.get(host)?.length ?? 0;
  }

  private releaser(host: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.waiting.get(host);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(host);
      if (next) { next(); return; } // the slot passes on: the active count stays
      const n = (this.active.get(host) ?? 1) - 1;
      if (n > 0) this.active.set(host, n);
      else this.active.delete(host);
    };
  }
}
