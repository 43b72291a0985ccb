/**
 * A small concurrency limiter: at most `limit` jobs run at once; urgent jobs (re-verifications
 * of known peers) go to the front so a flood of new candidates never delays them.
 */
export class ProbeQueue {
  private readonly waiting: Array<() => Promise<void>> = [];
  private active = 0;
  private stopped = false;

  constructor(private readonly limit: number) {}

  push(job: () => Promise<void>, urgent = false): void {
    if (this.stopped) return;
    if (urgent) this.waiting.unshift(job); else this.waiting.push(job);
    this.pump();
  }

  get size(): number { return this.waiting.length + this.active; }

  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
  }

  private pump(): void {
    while (!this.stopped && this.active < this.limit && this.waiting.length > 0) {
      const job = this.waiting.shift() as () => Promise<void>;
      this.active++;
      void job().catch(() => undefined).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }
}
