import { EventEmitter } from 'node:events';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { epochKeys, type EpochKeys } from './keys.js';
import { deriveInChild } from './derive-process.js';
import { epochWindow } from './epoch-window.js';
import type { ZoneEpoch } from './listener-handshake.js';
import type { KeyCache } from './key-cache.js';

/** Retry of a failed derivation (ENOMEM under memory pressure is the realistic cause). */
export const DERIVE_RETRY_MS = 30_000;
/** A timer never sleeps longer than this, so a suspended machine's clock jump is noticed. */
export const MAX_TIMER_MS = 10 * 60_000;

export interface KeyRingOptions {
  now?: () => number;
  /**
   * RK_e for (PRS, e); default scrypt 2^17/8/4 in a child process (`deriveInChild`), which `signal`
   * kills when the ring closes or the zone goes. Injectable so tests can count or slow calls.
   */
  derive?: Derive;
  log?: Logger;
  retryMs?: number;
  /** Keys derived by an earlier run (the daemon's state dir): a zone found there skips its scrypt. */
  cache?: KeyCache;
}

export type Derive = (prs: Buffer, epoch: number, signal: AbortSignal) => Promise<Buffer>;

interface ZoneEntry { prs: Buffer; keys: Map<number, EpochKeys> }

export interface KeyRingEvents {
  /** Keys of (zone, epoch) became available. */
  keys: [string, EpochKeys];
  /** The ring re-read the clock (a window boundary, or a clock jump someone told it about). */
  tick: [];
}

/**
 * The v2 epoch keys of every zone, derived in the background one scrypt at a time (4 concurrent
 * 128 MiB jobs would need 512 MiB), most urgent first: the current epoch of every zone, then the
 * next one in the last hour, then the previous one. Lookups (`get`) are synchronous and never
 * wait, so DNS answers and other zones never block on a derivation. Only the public values
 * (infohash, hint key) are kept; RK_e is dropped at once. With a cache (key-cache.ts), keys an
 * earlier run derived for the same passphrase are taken from it and never derived again.
 */
export class KeyRing extends EventEmitter<KeyRingEvents> {
  private readonly zones = new Map<string, ZoneEntry>();
  private readonly now: () => number;
  private readonly derive: Derive;
  /** The derivation in flight: aborted by close(), or by remove() of its zone. */
  private inFlight: { zone: string; abort: AbortController } | undefined;
  private readonly log: Logger;
  private readonly retryMs: number;
  private readonly cache: KeyCache | undefined;
  private running = false;
  private started = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** settled() callers, resolved when the queue runs dry or the ring closes. */
  private idleWaiters: (() => void)[] = [];
  /** whenReady() callers, resolved with undefined when the ring closes or their zone goes. */
  private readonly readyWaiters = new Set<{ zone: string; epoch: number; resolve: (k: EpochKeys | undefined) => void }>();

  constructor(opts: KeyRingOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
    this.derive = opts.derive ?? deriveInChild;
    this.log = opts.log ?? silentLogger();
    this.retryMs = opts.retryMs ?? DERIVE_RETRY_MS;
    // One ring serves every v2 zone of a daemon, and each zone listens to it (its channels, its
    // hint source): the listener count follows the config, not a leak, so no cap of 10.
    this.setMaxListeners(0);
    this.cache = opts.cache;
  }

  /** Adds (or replaces, when the passphrase changed) a zone. Derivation starts at start() or at once if started. */
  add(zone: string, prs: Buffer): void {
    const old = this.zones.get(zone);
    if (old && old.prs.equals(prs)) return;
    // Re-keyed: the old passphrase's derivation would be dropped, so stop it.
    if (old && this.inFlight?.zone === zone) this.inFlight.abort.abort();
    const entry: ZoneEntry = { prs, keys: new Map() };
    this.zones.set(zone, entry);
    for (const epoch of epochWindow(this.now()).derive) {
      const k = this.cache?.get(zone, prs, epoch);
      if (k) this.store(zone, entry, k);
    }
    this.pump();
  }

  remove(zone: string): void {
    this.zones.delete(zone);
    if (this.inFlight?.zone === zone) this.inFlight.abort.abort();
    this.cache?.forget(zone);
    for (const w of this.readyWaiters) if (w.zone === zone) { this.readyWaiters.delete(w); w.resolve(undefined); }
  }

  get(zone: string, epoch: number): EpochKeys | undefined {
    return this.zones.get(zone)?.keys.get(epoch);
  }

  /** The listener's hint candidates for a zone: the derived epochs among e-1, e, e+1. */
  candidates(zone: string): ZoneEpoch<string>[] {
    const z = this.zones.get(zone);
    if (!z) return [];
    const out: ZoneEpoch<string>[] = [];
    for (const epoch of epochWindow(this.now()).accept) {
      const k = z.keys.get(epoch);
      if (k) out.push({ zone, prs: z.prs, epoch, hintKey: k.hintKey });
    }
    return out;
  }

  prs(zone: string): Buffer | undefined {
    return this.zones.get(zone)?.prs;
  }

  /** Resolves once (zone, epoch) is derived, or with undefined if the ring closes or the zone goes. */
  whenReady(zone: string, epoch: number): Promise<EpochKeys | undefined> {
    const have = this.get(zone, epoch);
    if (have || this.closed || !this.zones.has(zone)) return Promise.resolve(have);
    return new Promise((resolve) => { this.readyWaiters.add({ zone, epoch, resolve }); });
  }

  /** Resolves when nothing is left to derive for the current window (tests, benchmarks). */
  settled(): Promise<void> {
    if (this.closed || (this.started && !this.running && !this.nextJob())) return Promise.resolve();
    return new Promise((resolve) => { this.idleWaiters.push(resolve); });
  }

  private flushIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.tick();
  }

  /** Re-reads the clock: drops epochs outside the window, queues what is missing, re-arms the timer. */
  tick(): void {
    if (!this.started || this.closed) return;
    const w = epochWindow(this.now());
    for (const z of this.zones.values()) {
      for (const e of z.keys.keys()) if (e < w.current - 1) z.keys.delete(e);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(1, Math.min(MAX_TIMER_MS, w.nextChangeAt - this.now())));
    this.timer.unref();
    this.pump();
    this.emit('tick');
  }

  /** The most urgent missing (zone, epoch): rank of the epoch first, so every zone gets e before any gets e-1. */
  private nextJob(): { zone: string; entry: ZoneEntry; epoch: number } | undefined {
    const w = epochWindow(this.now());
    for (const epoch of w.derive) {
      for (const [zone, entry] of this.zones) if (!entry.keys.has(epoch)) return { zone, entry, epoch };
    }
    return undefined;
  }

  private store(zone: string, entry: ZoneEntry, k: EpochKeys): void {
    entry.keys.set(k.epoch, k);
    this.emit('keys', zone, k);
    for (const w of this.readyWaiters) {
      if (w.zone === zone && w.epoch === k.epoch) { this.readyWaiters.delete(w); w.resolve(k); }
    }
  }

  private pump(): void {
    if (!this.started || this.closed || this.running) return;
    const job = this.nextJob();
    if (!job) { this.flushIdle(); return; }
    this.running = true;
    const t0 = this.now();
    const abort = new AbortController();
    this.inFlight = { zone: job.zone, abort };
    this.derive(job.entry.prs, job.epoch, abort.signal).then((rk) => {
      this.running = false;
      this.inFlight = undefined;
      if (this.closed) { rk.fill(0); return; }
      // The zone may have been removed or re-keyed meanwhile: store only into the same entry.
      if (this.zones.get(job.zone) === job.entry) {
        this.store(job.zone, job.entry, epochKeys(rk, job.epoch));
        this.log.debug({ zone: job.zone, epoch: job.epoch, ms: this.now() - t0 }, 'v2 epoch keys derived');
        this.cache?.put(job.zone, job.entry.prs, job.entry.keys.values());
      }
      rk.fill(0);
      this.pump();
    }, (err: Error) => {
      this.running = false;
      this.inFlight = undefined;
      if (this.closed) return;
      // Stopped because its zone went (or was re-keyed): nothing failed, go on with the rest.
      if (abort.signal.aborted) { this.pump(); return; }
      this.log.warn({ zone: job.zone, epoch: job.epoch, err: err.message }, 'v2 key derivation failed; retrying');
      this.retryTimer = setTimeout(() => this.pump(), this.retryMs);
    });
  }

  /** Idempotent. A derivation in flight is stopped (its child process killed), not waited for. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inFlight?.abort.abort();
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.flushIdle();
    for (const w of this.readyWaiters) w.resolve(undefined);
    this.readyWaiters.clear();
    this.removeAllListeners();
  }
}
