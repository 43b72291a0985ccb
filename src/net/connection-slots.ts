import { normalizeIp, sourcePrefix } from './address-class.js';

export interface ConnectionSlotLimits {
  /** Connections held at once. */
  max: number;
  /** Held at once per source IP. */
  maxPerIp: number;
  /** Held at once per /24 (IPv4) or /56 (IPv6). */
  maxPerPrefix: number;
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

interface Held { ip: string; prefix: string; since: number; preempt: () => void; released: boolean }

/**
 * Connection slots of a listener, shared fairly between sources. Without it, one source that
 * opens connections and never finishes them holds every slot (1,000 such connections made a
 * daemon invisible to its peers). Each IP and each prefix holds a bounded share; when all slots
 * are taken, a newcomer from a prefix holding fewer slots than the busiest prefix takes the
 * oldest slot of that busiest prefix, so however many sources flood, an honest client (which
 * needs its slot for one round trip) gets one. Protocol-neutral: the v1 and v2 handshakes both
 * sit behind it.
 */
export class ConnectionSlots {
  private readonly held = new Set<Held>();
  private readonly perIp = new Map<string, number>();
  private readonly perPrefix = new Map<string, Set<Held>>();
  private seq = 0;

  constructor(private readonly limits: ConnectionSlotLimits) {}

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
    const h: Held = { ip, prefix, since: this.seq++, preempt, released: false };
    this.held.add(h);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    let set = this.perPrefix.get(prefix);
    if (!set) { set = new Set(); this.perPrefix.set(prefix, set); }
    set.add(h);
    // The victim is closed by the caller after the newcomer is set up (closing may re-enter release()).
    return { ok: true, slot: { ip, prefix, release: () => this.drop(h) }, preempted };
  }

  private oldestOfBusiestPrefix(newcomerPrefixCount: number): Held | undefined {
    let busiest: Set<Held> | undefined;
    for (const set of this.perPrefix.values()) if (!busiest || set.size > busiest.size) busiest = set;
    // Only a prefix holding more than the newcomer's gives one up: equal shares stay put.
    if (!busiest || busiest.size <= newcomerPrefixCount) return undefined;
    let oldest: Held | undefined;
    for (const h of busiest) if (!oldest || h.since < oldest.since) oldest = h;
    return oldest;
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
