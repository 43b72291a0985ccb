import type { Logger } from '../log.js';
import type { DhtNode } from './dht.js';
import type { GetPeersWalk } from './get-peers-walk.js';
import { nextLookupDelay } from './backoff.js';
import { LookupHealth } from './lookup-health.js';
import type { DiscoveryStats } from './stats.js';
import { jittered, type DiscoveryTiming } from './timing.js';

/** An announce stored by this many nodes (or by all that answered the lookup) is not repeated early. */
const ANNOUNCE_WELL_STORED = 8;
/**
 * After our first announce is stored, while peers are wanted, the closest nodes are asked again
 * at these delays (one get_peers each, no walk): a sibling started with us announces there, maybe
 * just after we looked. 4 x 8 queries, once per announce.
 */
const REQUERY_AFTER_ANNOUNCE_MS = [100, 300, 700, 1_500] as const;
/**
 * After a relist walk (source-relist.ts) the closest nodes are asked again at these delays while
 * its source is still unlisted: the sibling that dialled us may store its announce just after our
 * walk passed. 3 x 8 queries per relist.
 */
const REQUERY_AFTER_RELIST_MS = [500, 1_500, 3_500] as const;
/**
 * A zone's first announces of a run that fewer nodes stored than it knows (queries held back by
 * the per-destination budget, busy nodes) are retried this many times at lookupFastMaxMs rather
 * than at the slow pace: a sibling's walk may pass where ours could not, and a zone that already
 * has its peer would otherwise announce again only a minute later. Once well stored, never again.
 */
export const POOR_ANNOUNCE_RETRIES = 2;
/** A DNS query wakes an empty zone's lookups at most this often (DNS clients cannot make us flood the DHT). */
export const WAKE_MIN_INTERVAL_MS = 5_000;

export interface DhtScheduleOptions {
  dht: DhtNode;
  infohash: Buffer;
  /** The auth port to announce; undefined = discover only (never announce). */
  announcePort: (() => number) | undefined;
  timing: DiscoveryTiming;
  random: () => number;
  log: Logger;
  stats: DiscoveryStats;
  /** true while fewer than minPeers are verified: look up fast. */
  wantMore: () => boolean;
  /** Called when discovery goes down (false) or comes back (true). */
  onHealth: (up: boolean) => void;
  now?: () => number;
}

/**
 * The DHT side of one zone's discovery: one chain of get_peers walks (fast, doubling, while peers
 * are wanted or the DHT is unreachable, backing off to slow after lookupPatienceMs; slow
 * otherwise). A walk announces as it goes when an announce is due (get-peers-walk.ts), and a
 * stored announce is followed by quick re-queries of the closest nodes. Re-announces are
 * jittered and never stop, unlike Go. Walk results also tell whether discovery itself is down.
 */
export class DhtSchedule {
  private readonly health = new LookupHealth();
  private readonly now: () => number;
  private lookupTimer: NodeJS.Timeout | undefined;
  private announceTimer: NodeJS.Timeout | undefined;
  private requeryTimers: NodeJS.Timeout[] = [];
  private relistTimers: NodeJS.Timeout[] = [];
  /** A relist asked for while a walk ran (that walk may predate the announce): run after it. */
  private relistNext: (() => boolean) | undefined;
  private lookupDelay: number | undefined;
  private lookupRunning = false;
  private lastLookupAt = -Infinity;
  /** Walks started (the first one is ranked ahead in the DHT node's walk pool). */
  private walks = 0;
  /** Since when peers have been wanted (undefined while we have enough). */
  private wantingSince: number | undefined;
  private announceDue = true;
  private everStored = false;
  private lastStored = 0;
  private lastResponders = 0;
  /** Retries left for a poorly stored announce (POOR_ANNOUNCE_RETRIES); 0 once one was well stored. */
  private poorRetries = POOR_ANNOUNCE_RETRIES;
  private closed = false;

  constructor(private readonly o: DhtScheduleOptions) {
    this.now = o.now ?? Date.now;
  }

  /** true while no DHT node answers our lookups (see LookupHealth). */
  get down(): boolean {
    return this.health.down;
  }

  start(): void {
    this.runLookup();
  }

  /**
   * Someone asked for this zone (a DNS query): if it lacks peers, look now rather than at its
   * backed-off pace. At most once per WAKE_MIN_INTERVAL_MS; a no-op while peers are enough.
   */
  wake(): void {
    if (this.closed || !this.o.wantMore() || this.lookupRunning) return;
    if (this.now() - this.lastLookupAt < WAKE_MIN_INTERVAL_MS) return;
    this.o.stats.wakes++;
    this.runLookup();
  }

  /**
   * A sibling we do not list dialled us (source-relist.ts, rate-limited there): look now, whatever
   * the pace, then re-query the closest nodes while `pending()`. The regular pace is kept.
   */
  relist(pending: () => boolean): void {
    if (this.closed) return;
    if (this.lookupRunning) { this.relistNext = pending; return; }
    this.runLookup(pending);
  }

  /**
   * Announce on this walk unless the last one is recent and well stored. "Well" counts the
   * routing table too: a walk can end after one responder (a bittorrent-dht node holding values
   * answers with them and no closer nodes; the bootstrap node often does), and an announce stored
   * there alone is where later walks never look.
   */
  private announceWanted(): boolean {
    return this.announceDue || this.poorlyStored();
  }

  private poorlyStored(): boolean {
    const reachable = Math.max(this.lastResponders, this.o.dht.nodeCount());
    return this.lastStored < Math.min(ANNOUNCE_WELL_STORED, reachable);
  }

  /** One lookup chain: a lookup already running schedules the next one itself. */
  private runLookup(relisting?: () => boolean): void {
    if (this.closed || this.lookupRunning) return;
    clearTimeout(this.lookupTimer);
    const port = this.o.announcePort && this.announceWanted() ? this.o.announcePort() : undefined;
    // A zone's first walk goes before every repeat (a cold start walks every zone once first);
    // repeats in arrival order. Ranking repeats by their count starved the zones that walk most,
    // those still without peers, once the pool was busy (1,000 zones walking once a minute).
    const walk = this.o.dht.walk(this.o.infohash, port, () => this.onStored(walk), this.walks === 0 ? 0 : 1);
    if (!walk) return;
    this.lookupRunning = true;
    this.walks++;
    this.lastLookupAt = this.now();
    const cappedBefore = this.o.dht.queryBudget.refused;
    this.o.stats.lookups++;
    if (port !== undefined) this.o.stats.announces++;
    void walk.run().then(({ responders, stored, closed }) => {
      this.lookupRunning = false;
      if (this.closed || closed) return;
      this.lastResponders = responders;
      this.o.log.trace({ responders, stored }, 'lookup done');
      if (port !== undefined) this.afterAnnounce(stored, port);
      // A walk whose queries our own per-destination budget held back says nothing about the DHT.
      const capped = responders === 0 && this.o.dht.queryBudget.refused > cappedBefore;
      if (this.o.dht.hasBootstrap && !capped && this.health.record(responders)) {
        this.o.log.warn({ down: this.health.down }, this.health.down ? 'no DHT node answers: serving last known peers as stale' : 'DHT reachable again');
        this.o.onHealth(!this.health.down);
      }
      this.scheduleNext();
      if (relisting) this.relistTimers = this.requeries(this.relistTimers, walk, REQUERY_AFTER_RELIST_MS, relisting);
      const next = this.relistNext;
      this.relistNext = undefined;
      if (next) this.runLookup(next);
    });
  }

  private scheduleNext(): void {
    const t = this.o.timing;
    const wanting = this.o.wantMore();
    if (!wanting) this.wantingSince = undefined; else this.wantingSince ??= this.now();
    // While down, keep looking fast so recovery is noticed soon; an empty zone slows down after a while.
    const fast = this.health.down || wanting;
    const patient = this.health.down || this.now() - (this.wantingSince ?? 0) < t.lookupPatienceMs;
    this.lookupDelay = fast ? nextLookupDelay(this.lookupDelay, t.lookupFastMinMs, patient ? t.lookupFastMaxMs : t.lookupSlowMs) : undefined;
    const retry = !fast && this.o.announcePort !== undefined && this.poorRetries > 0 && this.poorlyStored();
    if (retry) this.poorRetries--;
    const delay = fast ? this.lookupDelay as number : retry ? t.lookupFastMaxMs : t.lookupSlowMs;
    clearTimeout(this.lookupTimer); // a speedUp() made during this lookup is superseded
    this.lookupTimer = setTimeout(() => this.runLookup(), jittered(delay, t.jitter, this.o.random));
  }

  /** The first node stored our announce: ask the closest nodes again shortly (see REQUERY_AFTER_ANNOUNCE_MS). */
  private onStored(walk: GetPeersWalk | null): void {
    if (this.closed || !walk || !this.o.wantMore()) return;
    this.requeryTimers = this.requeries(this.requeryTimers, walk, REQUERY_AFTER_ANNOUNCE_MS, () => this.o.wantMore());
  }

  /** Asks `walk`'s closest nodes again at each delay while `wanted()`, replacing the timers in `old`. */
  private requeries(old: NodeJS.Timeout[], walk: GetPeersWalk, delaysMs: readonly number[], wanted: () => boolean): NodeJS.Timeout[] {
    for (const t of old) clearTimeout(t);
    return delaysMs.map((ms) => setTimeout(() => {
      if (this.closed || !wanted()) return;
      this.o.stats.requeries++;
      void walk.requery();
    }, ms));
  }

  private afterAnnounce(stored: number, port: number): void {
    this.o.log.debug({ stored, port }, 'announced');
    this.lastStored = Math.max(0, stored);
    if (!this.poorlyStored()) this.poorRetries = 0;
    if (stored <= 0) return; // still due: the next lookup tries again
    this.announceDue = false;
    // Nodes that started with us may have announced while we did: look again soon. Only after
    // the first announce: after re-announces it would keep an empty zone fast forever.
    if (!this.everStored && this.o.wantMore()) this.speedUp();
    this.everStored = true;
    clearTimeout(this.announceTimer);
    // The re-announce rides on the chain's next walk, at most lookupSlowMs (+ jitter) later: a
    // walk of its own cost every zone an extra lookup each reannounceMs (1.1 lookups a minute
    // once warm). reannounceMs + lookupSlowMs stays well below the DHT's peer maxAge, and the
    // announce goes out with the walk's fresh tokens.
    this.announceTimer = setTimeout(() => { this.announceDue = true; },
      jittered(this.o.timing.reannounceMs, this.o.timing.jitter, this.o.random));
  }

  /** Restarts the fast pace: the next lookup soon, then doubling again. */
  speedUp(): void {
    if (this.closed) return;
    this.lookupDelay = undefined;
    this.lookupSoon();
  }

  private lookupSoon(): void {
    if (this.closed) return;
    clearTimeout(this.lookupTimer);
    this.lookupTimer = setTimeout(() => this.runLookup(), jittered(this.o.timing.lookupFastMinMs, this.o.timing.jitter, this.o.random));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.lookupTimer);
    clearTimeout(this.announceTimer);
    for (const t of this.requeryTimers) clearTimeout(t);
    for (const t of this.relistTimers) clearTimeout(t);
  }
}
