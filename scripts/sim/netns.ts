/**
 * The simulator's network: one namespace named with our pid, 10.77.0.0/16 local inside it, and
 * every packet between those addresses delayed, jittered and dropped on the way.
 *
 * `tc netem` on the namespace's loopback is the first choice. Where the kernel has no sch_netem
 * (this machine's does not), packets are routed through a TUN device served by netem-tun.py
 * instead: policy rules send locally originated traffic for 10.77/16 into the TUN, and traffic
 * coming back out of it to the local table. Both paths apply to UDP and TCP alike.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const SIM_PREFIX = '10.77';
const TUN_DEV = 'wzsim0';
const TUN_TABLE = '77';
const ROUTER_READY_TIMEOUT_MS = 10_000;

export interface LinkProfile {
  /** Round-trip time added between any two simulator addresses. */
  rttMs: number;
  /** Uniform jitter, +/- this many ms on each one-way delay. */
  jitterMs: number;
  /** Per-packet loss, in percent, on each one-way trip. */
  lossPercent: number;
}

export interface QueryCounts { queries: Record<string, number>; maxPerDst: Record<string, number> }

function ip(ns: string, args: string[]): void {
  execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export class SimNetwork {
  readonly name = `wzsim-${process.pid}`;
  mode: 'netem' | 'tun' = 'tun';
  private router: ChildProcess | undefined;
  private routerLines: string[] = [];
  private routerWaiters: ((line: string) => void)[] = [];
  private closed = false;

  constructor(private readonly link: LinkProfile) {}

  async start(): Promise<void> {
    execFileSync('ip', ['netns', 'add', this.name]);
    ip(this.name, ['link', 'set', 'lo', 'up']);
    ip(this.name, ['route', 'add', 'local', `${SIM_PREFIX}.0.0/16`, 'dev', 'lo', 'table', 'local']);
    if (this.tryNetem()) { this.mode = 'netem'; return; }
    await this.startRouter();
  }

  /** netem on lo delays both directions, so each gets half the round trip. */
  private tryNetem(): boolean {
    const l = this.link;
    try {
      execFileSync('tc', ['-n', this.name, 'qdisc', 'add', 'dev', 'lo', 'root', 'netem',
        'delay', `${l.rttMs / 2}ms`, `${l.jitterMs}ms`, 'loss', `${l.lossPercent}%`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  private async startRouter(): Promise<void> {
    const script = fileURLToPath(new URL('../../../scripts/sim/netem-tun.py', import.meta.url));
    const l = this.link;
    const router = spawn('ip', ['netns', 'exec', this.name, 'python3', script, TUN_DEV,
      String(l.rttMs / 2), String(l.jitterMs), String(l.lossPercent), String(process.pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.router = router;
    createInterface({ input: router.stdout! }).on('line', (line) => {
      const w = this.routerWaiters.shift();
      if (w) w(line); else this.routerLines.push(line);
    });
    const ready = await this.nextRouterLine(ROUTER_READY_TIMEOUT_MS);
    if (ready !== 'ready') throw new Error(`netem-tun.py did not start (${ready}); needs python3 and /dev/net/tun`);
    const ns = this.name;
    ip(ns, ['link', 'set', TUN_DEV, 'up']);
    // Unbound sockets (an HTTP client) need a 10.77 source: 127.0.0.1 would come back a martian.
    ip(ns, ['addr', 'add', `${SIM_PREFIX}.0.1/32`, 'dev', 'lo']);
    ip(ns, ['route', 'add', `${SIM_PREFIX}.0.0/16`, 'dev', TUN_DEV, 'src', `${SIM_PREFIX}.0.1`, 'table', TUN_TABLE]);
    ip(ns, ['rule', 'add', 'pref', '100', 'iif', TUN_DEV, 'lookup', 'local']);
    ip(ns, ['rule', 'add', 'pref', '200', 'to', `${SIM_PREFIX}.0.0/16`, 'lookup', TUN_TABLE]);
    ip(ns, ['rule', 'add', 'pref', '1000', 'lookup', 'local']);
    ip(ns, ['rule', 'del', 'pref', '0']);
    // Packets from the TUN carry a local source address: accept them as such.
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0',
      `net.ipv4.conf.${TUN_DEV}.rp_filter=0`, `net.ipv4.conf.${TUN_DEV}.accept_local=1`]);
  }

  private nextRouterLine(timeoutMs: number): Promise<string> {
    const queued = this.routerLines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      this.routerWaiters.push((line) => { clearTimeout(timer); resolve(line); });
    });
  }

  /** DHT queries per source address since the last call (TUN mode only; null under netem). */
  async queryCounts(): Promise<QueryCounts | null> {
    if (!this.router?.pid) return null;
    // The router runs as a child of `ip netns exec`, which execs it: same pid.
    process.kill(this.router.pid, 'SIGUSR1');
    const line = await this.nextRouterLine(5_000);
    try { return JSON.parse(line) as QueryCounts; } catch { return null; }
  }

  /** argv prefix that runs a command inside the namespace. */
  exec(cmd: string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...cmd];
  }

  /** Idempotent and synchronous, so it also runs from an exit handler. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.router?.pid && this.router.exitCode === null) {
      try { process.kill(this.router.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
    try { execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
}
