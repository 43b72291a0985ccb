import { normalizeIp, sourcePrefix } from './address-class.js';

export interface ConnectionSlotLimits {
  /** Connections held at once. */
  max: number;
  /** Held at once per source IP. */
  maxPerIp: number;
  /** Held at once per /24 (IPv4) or /56 (IPv6). */
  maxPerPrefix: number;
  /**
   * A slot is taken from another source only once it has been held this long: an honest client
   * needs its slot for one round trip, so it is never the one taken, and each slot changes hands
   * at most once per this period however fast a flood reconnects. Default 0 (any age).
   */
  minAgeToPreemptMs?: number;
}

/** A held slot; `release()` is idempotent. */
export interface ConnectionSlot {
  readonly ip: string;
  readonly prefix: string;
  release(): void;
}

export type Admission =
  | { ok: true; slot: ConnectionSlot; preempted?: () => void }
  | { ok: false; reason: 'per-ip' | 'per-prefix' | 'full' };

interface Held { ip: string; prefix: string; seq: number; since: number; preempt: () => void; released: boolean }

/**
 * Connection slots of a listener, shared fairly between sources. Without it, one source that
 * opens connections and never finishes them holds every slot (1,000 such connections made a
 * daemon invisible to its peers). Each IP and each prefix holds a bounded share. When all slots
 * are taken, a newcomer takes the oldest slot of the busiest prefix if that makes the shares
 * fairer (the busiest holds at least two more than the newcomer's prefix) or if the newcomer's
 * prefix holds nothing at all, and only a slot older than `minAgeToPreemptMs`. Equal shares
 * therefore stay put (a flood from fewer prefixes than slots settles and stops churning), while
 * a client from a prefix without a slot, such as an honest prober, always finds one to take.
 * Protocol-neutral: the v1 and v2 handshakes both sit behind it.
 */
export class ConnectionSlots {
  private readonly held = new Set<Held>();
  private readonly perIp = new Map<string, number>();
  private readonly perPrefix = new Map<string, Set<Held>>();
  private seq = 0;

  constructor(private readonly limits: ConnectionSlotLimits, private readonly now: () => number = () => performance.now()) {}

  get size(): number { return this.held.size; }

  /**
   * Admits a connection from `remoteAddress`. `preempt` is called (once) if the slot is later
   * taken by a fairer newcomer: the owner must then close the connection.
   */
  acquire(remoteAddress: string, preempt: () => void): Admission {
    const ip = normalizeIp(remoteAddress) ?? remoteAddress;
    const prefix = sourcePrefix(remoteAddress) ?? ip;
    if ((this.perIp.get(ip) ?? 0) >= this.limits.maxPerIp) return { ok: false, reason: 'per-ip' };
    const mine = this.perPrefix.get(prefix)?.size ?? 0;
    if (mine >= this.limits.maxPerPrefix) return { ok: false, reason: 'per-prefix' };
    let preempted: (() => void) | undefined;
    if (this.held.size >= this.limits.max) {
      const victim = this.oldestOfBusiestPrefix(mine);
      if (!victim) return { ok: false, reason: 'full' };
      this.drop(victim);
      preempted = victim.preempt;
    }
    const h: Held = { ip, prefix, seq: this.seq++, since: this.now(), preempt, released: false };
    this.held.add(h);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    let set = this.perPrefix.get(prefix);
    if (!set) { set = new Set(); this.perPrefix.set(prefix, set); }
    set.add(h);
    // The victim is closed by the caller after the newcomer is set up (closing may re-enter release()).
    return { ok: true, slot: { ip, prefix, release: () => this.drop(h) }, preempted };
  }

  /**
   * The slot to give up: held long enough, in a prefix whose share is larger than the newcomer's
   * by two (or by one when the newcomer's prefix holds nothing); the busiest such prefix first,
   * then the oldest slot. A linear scan: at most `max` (128) slots.
   */
  private oldestOfBusiestPrefix(mine: number): Held | undefined {
    const cutoff = this.now() - (this.limits.minAgeToPreemptMs ?? 0);
    const minSize = mine === 0 ? 1 : mine + 2;
    let best: Held | undefined;
    let bestSize = 0;
    for (const h of this.held) {
      const size = this.perPrefix.get(h.prefix)?.size ?? 0;
      if (size < minSize || h.since > cutoff) continue;
      if (!best || size > bestSize || (size === bestSize && h.seq < best.seq)) { best = h; bestSize = size; }
    }
    return best;
  }

  private drop(h: Held): void {
    if (h.released) return;
    h.released = true;
    this.held.delete(h);
    const n = (this.perIp.get(h.ip) ?? 1) - 1;
    if (n === 0) this.perIp.delete(h.ip); else this.perIp.set(h.ip, n);
    const set = this.perPrefix.get(h.prefix);
    set?.delete(h);
    if (set && set.size === 0) this.perPrefix.delete(h.prefix);
  }
}
