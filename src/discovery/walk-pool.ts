/**
 * get_peers walks running at once on the shared DHT node, whatever the number of zones. k-rpc
 * wakes every running walk on every reply (each re-sorts its own table to pick the next nodes),
 * so 100 zones walking at once cost 100 sorts per reply: a 100-zone daemon's cold start was
 * CPU-bound for a minute and more. The socket's in-flight limit (DHT_CONCURRENCY) is filled by a
 * few walks already (each queries up to k=20 nodes at once), so a small pool costs no throughput.
 */
export const DHT_MAX_WALKS = 8;

/** A FIFO of jobs, at most `limit` running. Pure (no timers, no I/O). */
export class WalkPool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Jobs that had to wait for a slot (for status and benchmarks). */
  queuedTotal = 0;

  constructor(readonly limit = DHT_MAX_WALKS) {}

  /** Jobs waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  /** Runs `job` once a slot is free (at once if one is); the slot is held until its promise settles. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const go = () => {
        this.running++;
        let p: Promise<T>;
        try { p = job(); } catch (err) { p = Promise.reject(err as Error); }
        p.then(resolve, reject).finally(() => this.release());
      };
      if (this.running < this.limit) go();
      else { this.queuedTotal++; this.waiting.push(go); }
    });
  }

  private release(): void {
    this.running--;
    const next = this.waiting.shift();
    if (next) next();
  }
}
