import { DhtSchedule, type DhtScheduleOptions } from '../dht-schedule.js';
import { epochWindow } from './epoch-window.js';
import type { KeyRing } from './key-ring.js';
import type { EpochKeys } from './keys.js';
import { MAX_TIMER_MS } from './key-ring.js';

/** What every epoch's DhtSchedule shares (its fields, documented there), plus the key ring. */
export type EpochChannelsOptions = Omit<DhtScheduleOptions, 'infohash' | 'now'> & {
  ring: KeyRing;
  zone: string;
  now: () => number;
  /** A DHT contact under IH_x: dial it with epoch x. */
  onContact: (host: string, port: number, epoch: number) => void;
};

interface Channel { epoch: number; announces: boolean; schedule: DhtSchedule; unsubscribe: () => void; infohash: Buffer }

/**
 * The v2 rendezvous of one zone (design 4.3): one DHT schedule per epoch in use, created as soon
 * as the key ring has that epoch's keys and dropped when the epoch leaves the window. The current
 * epoch's schedule is the primary: it alone looks up fast while peers are wanted and reports
 * DHT health; e-1 and e+1 are looked up at the slow pace. An epoch changes its announce role at
 * the last hour and at midnight; its schedule is then replaced.
 */
export class EpochChannels {
  private readonly channels = new Map<number, Channel>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly onKeys = (zone: string, _k: EpochKeys) => { if (zone === this.o.zone) this.sync(); };
  private readonly onTick = () => this.sync();

  constructor(private readonly o: EpochChannelsOptions) {}

  start(): void {
    this.o.ring.on('keys', this.onKeys);
    this.o.ring.on('tick', this.onTick);
    this.sync();
  }

  /** Current-epoch channel's view of DHT health; false while it does not exist yet. */
  get down(): boolean {
    return this.primary()?.schedule.down ?? false;
  }

  /** The infohashes in use now (hex, by epoch), for status and tests. */
  infohashes(): { epoch: number; infohash: string; announces: boolean }[] {
    return [...this.channels.values()].map((c) => ({ epoch: c.epoch, infohash: c.infohash.toString('hex'), announces: c.announces }));
  }

  speedUp(): void {
    this.primary()?.schedule.speedUp();
  }

  /** A DNS query wants the zone's peers: the current epoch's lookups run at once (rate-limited there). */
  wake(): void {
    this.primary()?.schedule.wake();
  }

  /** A sibling we do not list dialled us: the current epoch's channel looks now (see DhtSchedule.relist). */
  relist(pending: () => boolean): void {
    this.primary()?.schedule.relist(pending);
  }

  private primary(): Channel | undefined {
    return this.channels.get(epochWindow(this.o.now()).current);
  }

  /** Brings the channels in line with the window and the keys derived so far. */
  sync(): void {
    if (this.closed) return;
    const w = epochWindow(this.o.now());
    const wanted = new Set([...w.lookup, ...w.announce]);
    for (const [epoch, c] of this.channels) {
      const announces = this.o.announcePort !== undefined && w.announce.includes(epoch);
      if (!wanted.has(epoch) || c.announces !== announces) this.drop(epoch);
    }
    for (const epoch of wanted) {
      if (this.channels.has(epoch)) continue;
      const keys = this.o.ring.get(this.o.zone, epoch);
      if (keys) this.open(epoch, keys, this.o.announcePort !== undefined && w.announce.includes(epoch));
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sync(), Math.max(1, Math.min(MAX_TIMER_MS, w.nextChangeAt - this.o.now())));
    this.timer.unref();
  }

  private open(epoch: number, keys: EpochKeys, announces: boolean): void {
    const isPrimary = () => epoch === epochWindow(this.o.now()).current;
    const schedule = new DhtSchedule({
      dht: this.o.dht, infohash: keys.infohash, timing: this.o.timing, random: this.o.random,
      log: this.o.log.child({ epoch }), stats: this.o.stats,
      announcePort: announces ? this.o.announcePort : undefined,
      wantMore: () => isPrimary() && this.o.wantMore(),
      onHealth: (up) => { if (isPrimary()) this.o.onHealth(up); },
    });
    const unsubscribe = this.o.dht.subscribe(keys.infohash, (c) => this.o.onContact(c.host, c.port, epoch));
    this.channels.set(epoch, { epoch, announces, schedule, unsubscribe, infohash: keys.infohash });
    this.o.log.debug({ epoch, announces }, 'v2 rendezvous open');
    schedule.start();
  }

  private drop(epoch: number): void {
    const c = this.channels.get(epoch);
    if (!c) return;
    c.unsubscribe();
    c.schedule.close();
    this.channels.delete(epoch);
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.o.ring.off('keys', this.onKeys);
    this.o.ring.off('tick', this.onTick);
    for (const epoch of [...this.channels.keys()]) this.drop(epoch);
  }
}
