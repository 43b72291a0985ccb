/** scripts/sim output: the table for people and the last line for machines. */
import type { LinkProfile } from './netns.js';

export interface CaseResult { impl: string; kind: 'join' | 'cold'; runs: number; misses: number; ms: { min: number; median: number; p90: number; max: number } | null }

export interface ZoneRates {
  queriesPerZonePerMin: number | null; maxPerDstPerMin: number | null; lookupsPerZonePerMin: number | null;
  cpuMsPerZonePerMin: number | null; rssKb: number | null;
}
export interface WarmResult { zones: number; allZonesMs: number | null; windowS: number; windowAtS: number; paired: ZoneRates; empty: ZoneRates }

export function summarize(impl: string, kind: 'join' | 'cold', samples: (number | null)[]): CaseResult {
  const xs = samples.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    impl, kind, runs: samples.length, misses: samples.length - xs.length,
    ms: xs.length ? { min: r1(xs[0]!), median: r1(q(0.5)), p90: r1(q(0.9)), max: r1(xs[xs.length - 1]!) } : null,
  };
}

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '-' : x.toFixed(d));

export function printTable(setup: { profile: string; link: LinkProfile; churn: number; nodes: number; mode: string }, cases: CaseResult[], warm?: WarmResult): void {
  const l = setup.link;
  console.log(`profile ${setup.profile}: rtt ${l.rttMs} ms +/- ${l.jitterMs} ms, loss ${l.lossPercent}%, churn ${setup.churn * 100}%/min, ${setup.nodes} DHT nodes (${setup.mode})`);
  console.log('impl    case  runs misses   min ms  median ms   p90 ms   max ms');
  for (const c of cases) {
    console.log(`${c.impl.padEnd(7)} ${c.kind.padEnd(5)} ${String(c.runs).padStart(4)} ${String(c.misses).padStart(6)} ${f(c.ms?.min).padStart(8)} ${f(c.ms?.median).padStart(10)} ${f(c.ms?.p90).padStart(8)} ${f(c.ms?.max).padStart(8)}`);
  }
  if (warm) {
    console.log(`daemons with ${warm.zones} zones: every zone listed by both siblings after ${warm.allZonesMs === null ? 'never (300 s)' : `${(warm.allZonesMs / 1000).toFixed(1)} s`}; ${warm.windowS} s window from ${warm.windowAtS} s after start`);
    console.log('zones     queries/zone/min  lookups/zone/min  max to one node/min  CPU ms/zone/min  RSS MB  RSS KB/zone');
    for (const [name, r] of [['paired', warm.paired], ['empty', warm.empty]] as const) {
      console.log(`${name.padEnd(9)} ${f(r.queriesPerZonePerMin).padStart(16)} ${f(r.lookupsPerZonePerMin, 2).padStart(17)} ${f(r.maxPerDstPerMin, 0).padStart(20)} ${f(r.cpuMsPerZonePerMin).padStart(16)} ${f(r.rssKb === null ? null : r.rssKb / 1024).padStart(7)} ${f(r.rssKb === null ? null : r.rssKb / warm.zones).padStart(12)}`);
    }
  }
  console.log(JSON.stringify({ sim: { ...setup }, cases, warm: warm ?? null }));
}
