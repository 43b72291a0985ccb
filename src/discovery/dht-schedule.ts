import type { Logger } from '../log.js';
import type { DhtNode } from './dht.js';
import { nextLookupDelay } from './backoff.js';
import { LookupHealth } from './lookup-health.js';
import type { DiscoveryStats } from './stats.js';
import { jittered, type DiscoveryTiming } from './timing.js';

/** An announce stored by this many nodes (or by all that answered the lookup) is not repeated early. */
const ANNOUNCE_WELL_STORED = 8;

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
}

/**
 * The DHT side of one zone's discovery: re-announce (jittered, never stopping, unlike Go) and
 * one lookup chain (fast, doubling, while peers are wanted or the DHT is unreachable; slow
 * otherwise). Lookup results also tell whether discovery itself is down.
 */
export class DhtSchedule {
  private readonly health = new LookupHealth();
  private lookupTimer: NodeJS.Timeout | undefined;
  private announceTimer: NodeJS.Timeout | undefined;
  private lookupDelay: number | undefined;
  private lookupRunning = false;
  private announceDue = true;
  private announcing = false;
  private lastStored = 0;
  private closed = false;

  constructor(private readonly o: DhtScheduleOptions) {}

  /** true while no DHT node answers our lookups (see LookupHealth). */
  get down(): boolean {
    return this.health.down;
  }

  start(): void {
    this.runLookup();
  }

  /**
   * bittorrent-dht sends an announce to the nodes of the most recent lookup's table, so we announce
   * right after one of our lookups ends, never on a table of its own making: a node that has just
   * bound its socket would otherwise announce to the one or two nodes its half-built routing
   * table knows, where later lookups may never look.
   */
  private announceIfDue(responders: number): void {
    const port = this.o.announcePort;
    if (!port || this.announcing) return;
    if (!this.announceDue && this.lastStored >= Math.min(ANNOUNCE_WELL_STORED, responders)) return;
    this.announcing = true;
    void this.announce(port);
  }

  private async announce(port: () => number): Promise<void> {
    this.o.stats.announces++;
    const stored = await this.o.dht.announce(this.o.infohash, port());
    this.announcing = false;
    if (this.closed) return;
    this.o.log.debug({ stored, port: port() }, 'announced');
    this.lastStored = Math.max(0, stored);
    if (stored <= 0) return; // still due: the next lookup tries again
    this.announceDue = false;
    // Nodes that started with us may have announced while we did: look again at once.
    if (this.o.wantMore()) this.speedUp();
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => { this.announceDue = true; this.speedUp(); },
      jittered(this.o.timing.reannounceMs, this.o.timing.jitter, this.o.random));
  }

  /** One lookup chain: a lookup already running schedules the next one itself. */
  private runLookup(): void {
    if (this.closed || this.lookupRunning) return;
    clearTimeout(this.lookupTimer);
    this.lookupRunning = true;
    this.o.stats.lookups++;
    void this.o.dht.lookup(this.o.infohash).then((responders) => {
      this.lookupRunning = false;
      if (this.closed) return;
      this.o.log.trace({ responders }, 'lookup done');
      this.announceIfDue(responders);
      if (this.o.dht.hasBootstrap && this.health.record(responders)) {
        this.o.log.warn({ down: this.health.down }, this.health.down ? 'no DHT node answers: serving last known peers as stale' : 'DHT reachable again');
        this.o.onHealth(!this.health.down);
      }
      // While down, keep looking fast so recovery is noticed soon.
      const t = this.o.timing;
      const fast = this.health.down || this.o.wantMore();
      this.lookupDelay = fast ? nextLookupDelay(this.lookupDelay, t.lookupFastMinMs, t.lookupFastMaxMs) : undefined;
      const delay = fast ? this.lookupDelay as number : t.lookupSlowMs;
      clearTimeout(this.lookupTimer); // a speedUp() made during this lookup is superseded
      this.lookupTimer = setTimeout(() => this.runLookup(), jittered(delay, t.jitter, this.o.random));
    });
  }

  /** Restarts the fast pace: the next lookup soon, then doubling again. */
  speedUp(): void {
    if (this.closed) return;
    this.lookupDelay = undefined;
    clearTimeout(this.lookupTimer);
    this.lookupTimer = setTimeout(() => this.runLookup(), jittered(this.o.timing.lookupFastMinMs, this.o.timing.jitter, this.o.random));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.lookupTimer);
    clearTimeout(this.announceTimer);
  }
}
