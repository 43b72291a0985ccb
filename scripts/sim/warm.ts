/**
 * The warm part of scripts/sim: three real daemons with Z zones each. A and B share every zone's
 * passphrase (a two-node cluster per zone); C's zones have no other member. Measures how long
 * until A and B list each other in every zone, then, after a settling time, what each sends to
 * the DHT per zone per minute (counted by the netem router, i.e. on the wire), RSS and CPU.
 */
import type { Child } from './child-io.js';
import type { SimNetwork } from './netns.js';
import type { WarmResult } from './report.js';

const ALL_ZONES_DEADLINE_MS = 300_000;
const POLL_MS = 1_000;

interface Sample { t: number; zones: number; zonesWithPeers: number; rssKb: number; cpuMs: number; lookups: number }

export interface WarmOptions {
  net: SimNetwork;
  zones: number;
  bootstrap: string;
  warmWaitS: number;
  /** The window starts no sooner than this after the daemons (empty zones back off after 3 min). */
  warmAfterS: number;
  windowS: number;
  hosts: [string, string, string];
  start: (host: string, prefix: string) => Child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureWarm(o: WarmOptions): Promise<WarmResult> {
  const shared = `sim-zone-${process.pid}`;
  const [a, b, c] = [o.start(o.hosts[0], shared), o.start(o.hosts[1], shared), o.start(o.hosts[2], `sim-empty-${process.pid}`)];
  const last = new Map<Child, Sample>();
  const poll = () => {
    for (const ch of [a, b, c]) {
      const s = ch.latest() as Sample | { error: string } | undefined;
      if (s && 'error' in s) throw new Error(s.error);
      if (s) last.set(ch, s);
    }
  };
  let allZonesMs: number | null = null;
  const t0 = performance.now();
  while (performance.now() - t0 < ALL_ZONES_DEADLINE_MS) {
    await sleep(POLL_MS);
    poll();
    const sa = last.get(a), sb = last.get(b);
    if (Math.round((performance.now() - t0) / POLL_MS) % 10 === 0) console.error(`sim: warm: zones listing their sibling: ${sa?.zonesWithPeers ?? '-'} and ${sb?.zonesWithPeers ?? '-'} of ${o.zones}`);
    if (sa && sb && sa.zonesWithPeers === o.zones && sb.zonesWithPeers === o.zones) { allZonesMs = Math.max(sa.t, sb.t); break; }
  }
  console.error(`sim: warm: ${allZonesMs === null ? 'not every zone found' : `every zone found after ${allZonesMs} ms`}; settling ${o.warmWaitS} s`);
  await sleep(Math.max(o.warmWaitS * 1000, o.warmAfterS * 1000 - (performance.now() - t0)));
  poll();
  await o.net.queryCounts(); // starts a new counting window
  const windowAtS = Math.round((performance.now() - t0) / 1000);
  const before = new Map([a, c].map((ch) => [ch, last.get(ch)]));
  await sleep(o.windowS * 1000);
  const counts = await o.net.queryCounts();
  poll();
  const perMin = 60 / o.windowS;
  const rate = (ch: Child, host: string) => {
    const s0 = before.get(ch), s1 = last.get(ch);
    return {
      queriesPerZonePerMin: counts ? ((counts.queries[host] ?? 0) * perMin) / o.zones : null,
      maxPerDstPerMin: counts ? (counts.maxPerDst[host] ?? 0) * perMin : null,
      lookupsPerZonePerMin: s0 && s1 ? ((s1.lookups - s0.lookups) * perMin) / o.zones : null,
      cpuMsPerZonePerMin: s0 && s1 ? ((s1.cpuMs - s0.cpuMs) * perMin) / o.zones : null,
      rssKb: s1?.rssKb ?? null,
    };
  };
  return { zones: o.zones, allZonesMs, windowS: o.windowS, windowAtS, paired: rate(a, o.hosts[0]), empty: rate(c, o.hosts[2]) };
}
