import type { ProbeFailure } from './prober.js';

export interface DiscoveryStatsJSON {
  announces: number; lookups: number; contacts: number; probes: number; verified: number;
  reverifications: number; lost: number; keptWhileDown: number; selfContacts: number; requeries: number; wakes: number; relists: number; dialBacks: number; relistsHeldBack: number; failures: Partial<Record<ProbeFailure, number>>;
}

/** Counters of one zone's discovery, for `wherez status`, progress lines and tests. */
export class DiscoveryStats {
  announces = 0;
  lookups = 0;
  contacts = 0;
  probes = 0;
  verified = 0;
  reverifications = 0;
  lost = 0;
  /** Failed re-verifications not counted against a peer because discovery was down. */
  keptWhileDown = 0;
  /**
   * Contacts that turned out to be our own listener (our announcement, returned by the DHT).
   * Expected on every node, so counted apart: as a failure it would alarm an operator.
   */
  selfContacts = 0;
  /** Re-queries of the closest nodes right after our announce was stored (fast cold starts). */
  requeries = 0;
  /** Lookups started at once because a DNS query asked for the zone while it lacked peers. */
  wakes = 0;
  /** Lookups started at once because a sibling we do not list dialled us (source-relist.ts). */
  relists = 0;
  /** Lost peers dialled at once because their IP dialled us. */
  dialBacks = 0;
  /** Relists and dial-backs refused by their rate limits. */
  relistsHeldBack = 0;
  readonly failures: Partial<Record<ProbeFailure, number>> = {};

  countFailure(reason: ProbeFailure): void {
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
  }

  toJSON(): DiscoveryStatsJSON {
    return {
      announces: this.announces, lookups: this.lookups, contacts: this.contacts, probes: this.probes,
      verified: this.verified, reverifications: this.reverifications, lost: this.lost, keptWhileDown: this.keptWhileDown, selfContacts: this.selfContacts, requeries: this.requeries, wakes: this.wakes,
      relists: this.relists, dialBacks: this.dialBacks, relistsHeldBack: this.relistsHeldBack, failures: { ...this.failures },
    };
  }
}
