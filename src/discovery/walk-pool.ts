/**
 * get_peers walks running at once on the shared DHT node, whatever the number of zones. k-rpc
 * wakes every running walk on every reply (each re-sorts its own table to pick the next nodes),
 * so 100 zones walking at once cost 100 sorts per reply: a 100-zone daemon's cold start was
 * CPU-bound for a minute and more. The socket's in-flight limit (DHT_CONCURRENCY) is filled by a
 * few walks already (each queries up to k=20 nodes at once), so a small pool costs no throughput.
 */
export const DHT_MAX_WALKS = 8;

interface Waiting { rank: number; seq: number; go: () => void }

/**
 * Jobs, at most `limit` running; a waiting job of lower rank goes first, equal ranks in arrival
 * order. A zone's first walk has rank 0 and its later ones 1 (dht-schedule.ts), so during a cold
 * start every zone walks once before any walks again (its fast pace asks for a walk every 0.5-5 s,
 * and a FIFO let early zones take their second and third walks while late ones had not had a
 * first). Pure (no timers, no I/O).
 */
export class WalkPool {
  private running = 0;
  private seq = 0;
  /** Sorted by (rank, seq): the first one goes next. Short (at most one entry per walking schedule). */
  private readonly waiting: Waiting[] = [];
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
  run<T>(job: () => Promise<T>, rank = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const go = () => {
        this.running++;
        let p: Promise<T>;
        try { p = job(); } catch (err) { p = Promise.reject(err as Error); }
        // The slot is free before the caller resumes: its next walk may take it at once.
        p.then((v) => { this.release(); resolve(v); }, (err: unknown) => { this.release(); reject(err as Error); });
      };
      if (this.running < this.limit) go();
      else {
        this.queuedTotal++;
        const w = { rank, seq: this.seq++, go };
        let i = this.waiting.length;
        while (i > 0 && this.waiting[i - 1]!.rank > rank) i--;
        this.waiting.splice(i, 0, w);
      }
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.go();
  }
}
