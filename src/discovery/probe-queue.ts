import { normalizeIp, sourcePrefix } from '../net/address-class.js';

/** A DHT contact waiting for its first challenge. */
export interface QueuedCandidate {
  /** peerKey: host:authPort. */
  readonly key: string;
  readonly host: string;
  readonly port: number;
  /** Consecutive failed verifications before this one: failed candidates go to the back. */
  readonly failures: number;
}

export interface ProbeQueueLimits {
  /** Probes in flight at once (first verifications and re-verifications together). */
  maxInFlight: number;
  /** Candidates waiting; past it the worst-ranked one is dropped (it comes back with a later lookup). */
  maxQueued: number;
  /** Candidates waiting per IP: 25 ports of one junk IP cannot crowd out anyone else. */
  maxQueuedPerIp: number;
  /** First verifications in flight per IP: one port of an IP at a time (a SYN-dropping IP drops them all). */
  maxInFlightPerIp: number;
  /** First verifications in flight per /24 (IPv4) or /56 (IPv6). */
  maxInFlightPerPrefix: number;
}

export type OfferResult = 'queued' | 'duplicate' | 'full';

interface Group { queued: number; inFlight: number; started: number }

interface Entry extends QueuedCandidate { readonly ip: string; readonly prefix: string; readonly seq: number }

/**
 * The verification scheduler of one zone. It assumes most candidates are hostile (a DHT value
 * costs an attacker nothing): the queue is bounded, one endpoint of each IP is tried before a
 * second port of any IP, few at once per prefix, candidates that failed before come last, and
 * re-verifications of known peers (`pushUrgent`) go before every new candidate. Without this,
 * 500 junk endpoints announced first kept an honest peer waiting ~190 s at 8 probes x 3 s.
 *
 * A candidate stays `has()` from `offer` until its probe has finished, so it can be neither
 * queued twice nor verified twice (the candidate memory of Discovery is an LRU that may forget
 * it meanwhile). The queue is small (hundreds), so picking the best entry is a linear scan.
 */
export class ProbeQueue {
  private readonly urgent: Array<() => Promise<void>> = [];
  private readonly queued = new Map<string, Entry>();
  private readonly inFlightKeys = new Set<string>();
  private readonly byIp = new Map<string, Group>();
  private readonly byPrefix = new Map<string, Group>();
  private active = 0;
  private seq = 0;
  private stopped = false;
  /** Candidates refused or pushed out because the queue was full. */
  dropped = 0;

  constructor(private readonly limits: ProbeQueueLimits, private readonly run: (c: QueuedCandidate) => Promise<void>) {}

  /** Queued or being probed. */
  has(key: string): boolean {
    return this.queued.has(key) || this.inFlightKeys.has(key);
  }

  get size(): number { return this.queued.size + this.urgent.length + this.active; }

  /** Offers a candidate; when full, it replaces the worst-ranked waiting one if it ranks better. */
  offer(c: QueuedCandidate): OfferResult {
    if (this.stopped) return 'full';
    if (this.has(c.key)) return 'duplicate';
    const ip = normalizeIp(c.host) ?? c.host;
    const prefix = sourcePrefix(c.host) ?? ip;
    const entry: Entry = { ...c, ip, prefix, seq: this.seq++ };
    const ipGroup = this.byIp.get(ip);
    if (ipGroup && ipGroup.queued >= this.limits.maxQueuedPerIp) {
      // This IP's own worst entry makes room only for a better one of the same IP.
      if (!this.evictWorst(entry, (e) => e.ip === ip)) { this.dropped++; return 'full'; }
    } else if (this.queued.size >= this.limits.maxQueued && !this.evictWorst(entry, () => true)) {
      this.dropped++;
      return 'full';
    }
    this.queued.set(c.key, entry);
    group(this.byIp, ip).queued++;
    group(this.byPrefix, prefix).queued++;
    this.pump();
    return 'queued';
  }

  /** A re-verification of a known peer: before any new candidate, never dropped. */
  pushUrgent(job: () => Promise<void>): void {
    if (this.stopped) return;
    this.urgent.push(job);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.urgent.length = 0;
    this.queued.clear();
  }

  /** Lower is better: never-failed first, then IPs and prefixes tried least, then arrival order. */
  private rank(e: Entry): [number, number, number, number] {
    return [e.failures, this.byIp.get(e.ip)?.started ?? 0, this.byPrefix.get(e.prefix)?.started ?? 0, e.seq];
  }

  private evictWorst(incoming: Entry, among: (e: Entry) => boolean): boolean {
    let worst: Entry | undefined;
    for (const e of this.queued.values()) {
      if (among(e) && (!worst || less(this.rank(worst), this.rank(e)))) worst = e;
    }
    if (!worst || !less(this.rank(incoming), this.rank(worst))) return false;
    this.unqueue(worst);
    this.dropped++;
    return true;
  }

  private unqueue(e: Entry): void {
    this.queued.delete(e.key);
    this.release(e, 'queued');
  }

  private release(e: Entry, field: 'queued' | 'inFlight'): void {
    for (const [map, k] of [[this.byIp, e.ip], [this.byPrefix, e.prefix]] as const) {
      const g = map.get(k);
      if (!g) continue;
      g[field]--;
      // Forget groups with nothing left, so the maps stay as small as the queue.
      if (g.queued === 0 && g.inFlight === 0) map.delete(k);
    }
  }

  private pickCandidate(): Entry | undefined {
    let best: Entry | undefined;
    let bestRank: [number, number, number, number] | undefined;
    for (const e of this.queued.values()) {
      if ((this.byIp.get(e.ip)?.inFlight ?? 0) >= this.limits.maxInFlightPerIp) continue;
      if ((this.byPrefix.get(e.prefix)?.inFlight ?? 0) >= this.limits.maxInFlightPerPrefix) continue;
      const r = this.rank(e);
      if (!bestRank || less(r, bestRank)) { best = e; bestRank = r; }
    }
    return best;
  }

  private pump(): void {
    while (!this.stopped && this.active < this.limits.maxInFlight) {
      const job = this.urgent.shift();
      if (job) { this.start(job); continue; }
      const e = this.pickCandidate();
      if (!e) return;
      this.queued.delete(e.key);
      this.inFlightKeys.add(e.key);
      for (const g of [group(this.byIp, e.ip), group(this.byPrefix, e.prefix)]) { g.queued--; g.inFlight++; g.started++; }
      this.start(() => this.run(e), () => { this.inFlightKeys.delete(e.key); this.release(e, 'inFlight'); });
    }
  }

  private start(job: () => Promise<void>, after?: () => void): void {
    this.active++;
    void job().catch(() => undefined).finally(() => {
      this.active--;
      after?.();
      this.pump();
    });
  }
}

function group(map: Map<string, Group>, key: string): Group {
  let g = map.get(key);
  if (!g) { g = { queued: 0, inFlight: 0, started: 0 }; map.set(key, g); }
  return g;
}

function less(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) < (b[i] as number);
  }
  return false;
}
