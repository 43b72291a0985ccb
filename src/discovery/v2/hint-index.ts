import { epochAt } from './keys.js';
import { matchHint, type ZoneEpoch } from './listener-handshake.js';
import type { Msg1 } from './wire.js';

/** One zone on a shared auth port, as the hint index sees it. */
export interface HintSource {
  /** The zone's (PRS, epoch, hint key) for the accepted epochs e-1, e, e+1 that are derived. */
  candidates(): ZoneEpoch<string>[];
  /** Calls back when the zone's keys change (derived, dropped at a window edge); returns the unsubscribe. */
  watch?(onChange: () => void): () => void;
}

/**
 * Which zone of an auth port a msg1 is for (design 4.7), over every v2 zone on that port.
 *
 * The hint is HMAC(HK_x, "wz2 hint" || cr) of the dialer's fresh cr, so no table can be keyed by
 * hint bytes before msg1 arrives: each connection costs one HMAC per (zone, epoch), and the design
 * wants every candidate checked without an early exit so timing does not tell the zone. What is
 * kept ready is the candidate table itself: built once per epoch and rebuilt only when a zone
 * joins or leaves the port (start, reload) or its keys change, instead of per connection.
 */
export class HintIndex<Z> {
  private readonly zones = new Map<Z, { source: HintSource; unwatch: () => void }>();
  private table: ZoneEpoch<Z>[] = [];
  private builtFor = Number.NaN;
  private dirty = true;
  /** Zones without watch(): their keys may change unseen, so the table is rebuilt per match. */
  private unwatched = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.zones.size;
  }

  has(zone: Z): boolean {
    return this.zones.has(zone);
  }

  add(zone: Z, source: HintSource): void {
    this.remove(zone);
    const invalidate = () => { this.dirty = true; };
    const unwatch = source.watch?.(invalidate) ?? (() => undefined);
    if (!source.watch) this.unwatched++;
    this.zones.set(zone, { source, unwatch });
    this.dirty = true;
  }

  remove(zone: Z): void {
    const z = this.zones.get(zone);
    if (!z) return;
    z.unwatch();
    if (!z.source.watch) this.unwatched--;
    this.zones.delete(zone);
    this.dirty = true;
  }

  /** The current candidate table (for tests and status). */
  entries(): readonly ZoneEpoch<Z>[] {
    this.refresh();
    return this.table;
  }

  /** The single (zone, epoch) whose hint fits, or null (none, or ambiguous: two zones, one passphrase). */
  match(msg1: Msg1): ZoneEpoch<Z> | null {
    this.refresh();
    return matchHint(msg1, this.table);
  }

  private refresh(): void {
    const epoch = epochAt(this.now());
    if (!this.dirty && this.unwatched === 0 && epoch === this.builtFor) return;
    const table: ZoneEpoch<Z>[] = [];
    for (const [zone, { source }] of this.zones) {
      for (const c of source.candidates()) table.push({ zone, prs: c.prs, epoch: c.epoch, hintKey: c.hintKey });
    }
    this.table = table;
    this.builtFor = epoch;
    this.dirty = false;
  }
}
