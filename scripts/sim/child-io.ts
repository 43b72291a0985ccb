/**
 * How the simulator's processes talk: children print JSON lines on stdout (the last one of a
 * run is its result) and stop on SIGTERM. Shared by the children and the orchestrator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Writes one JSON line for the orchestrator. */
export function say(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** Runs `onStop` once on SIGTERM/SIGINT (the orchestrator's way of ending a child), then exits. */
export function onStopSignal(onStop: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void onStop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** 10.77.<block>.<1-250>: block 1-99 the swarm, 100+ the measured nodes. */
export function simAddress(block: number, i: number): string {
  return `10.77.${block + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export class Child {
  readonly proc: ChildProcess;
  private lines: unknown[] = [];
  private waiters: ((v: unknown) => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(argv: string[]) {
    this.proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      let v: unknown;
      try { v = JSON.parse(line); } catch { return; }
      const w = this.waiters.shift();
      if (w) w(v); else this.lines.push(v);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => {
      resolve(code);
      for (const w of this.waiters.splice(0)) w(null);
    }));
  }

  /** The next JSON line, or null when the child exits or the time is up. */
  next(timeoutMs: number): Promise<unknown> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.proc.exitCode !== null) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== done); resolve(null); }, timeoutMs);
      const done = (v: unknown) => { clearTimeout(timer); resolve(v); };
      this.waiters.push(done);
    });
  }

  /** The newest line printed so far (older ones are dropped), or undefined. */
  latest(): unknown {
    const last = this.lines[this.lines.length - 1];
    this.lines = [];
    return last;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
