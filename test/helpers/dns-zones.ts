import type { ZoneLookup, ZonePeer, ZoneSnapshot } from '../../src/dns/zone-view.js';

/** A fixed clock for answers: TTL math is checked against it. */
export const NOW = 1_700_000_000_000;

/**
 * An in-memory ZoneLookup: what the daemon builds from the peer cache, here from a plain map.
 * `set` bumps the version as the real cache does.
 */
export class MemoryZones {
  private readonly zones = new Map<string, ZoneSnapshot>();

  constructor(init: Record<string, Partial<ZoneSnapshot>> = {}) {
    for (const [label, z] of Object.entries(init)) this.set(label, z);
  }

  set(label: string, z: Partial<ZoneSnapshot>): void {
    const prev = this.zones.get(label);
    this.zones.set(label, { label, peers: [], ttl: 30, stale: false, ...prev, ...z, version: (prev?.version ?? 0) + 1 });
  }

  readonly lookup: ZoneLookup = (label) => this.zones.get(label);
  readonly labels = (): readonly string[] => [...this.zones.keys()];
}

/** `n` IPv4 peers 10.0.<i/250>.<i%250+1>, ports 8000+i, expiring `lifeMs` after NOW. */
export function peers(n: number, lifeMs = 60_000, now = NOW): ZonePeer[] {
  return Array.from({ length: n }, (_, i) => ({
    host: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 8000 + i, expiresAt: now + lifeMs,
  }));
}
