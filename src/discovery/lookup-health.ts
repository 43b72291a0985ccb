/** Consecutive lookups that reached no DHT node before discovery counts as down. */
export const EMPTY_LOOKUPS_FOR_DOWN = 2;

/**
 * Tells "discovery itself is down" (no DHT node answers our lookups: our network or the DHT is
 * unreachable) apart from "a peer is down". While down, a failed re-verification says nothing
 * about the peer, so its last known state is kept and served as stale instead of dropped.
 */
export class LookupHealth {
  private empty = 0;
  down = false;

  constructor(private readonly threshold = EMPTY_LOOKUPS_FOR_DOWN) {}

  /** Records one finished lookup and how many DHT nodes answered it; true when `down` flipped. */
  record(responders: number): boolean {
    this.empty = responders > 0 ? 0 : this.empty + 1;
    const down = this.empty >= this.threshold;
    if (down === this.down) return false;
    this.down = down;
    return true;
  }
}
