/**
 * Many zones per daemon on a loopback swarm (a benchmark, not a test; no root needed).
 *
 *   npm run bench:zones -- [--zones 100] [--protocol v1|v2] [--swarm 100] [--settle 60] [--window 60]
 *                          [--empty] [--deadline 600] [--node-args="--cpu-prof --cpu-prof-dir=/tmp/p"]
 *
 * A private bittorrent-dht swarm runs in this process on 127.0.0.1; two real `wherez serve`
 * daemons A (127.0.0.201) and B (.202) share every zone's passphrase (scripts/sim/resident.ts
 * starts and watches each), and with --empty a third, C (.203), has zones nobody else joins.
 * Reports the time until A and B list each other in every zone, RSS and CPU then, and, after
 * --settle s, a --window s window: DHT queries sent and lookups per zone per minute (the
 * daemons' own counters), CPU per zone per minute and RSS. One table, then one JSON line.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startTestnet } from '../src/discovery/testnet.js';
import { Child } from './sim/child-io.js';

const POLL_MS = 1_000;
const METRICS_PORT = '19153';
const HOSTS = ['127.0.0.201', '127.0.0.202', '127.0.0.203'] as const;

const { values } = parseArgs({ options: {
  zones: { type: 'string', default: '100' }, protocol: { type: 'string', default: 'v1' },
  swarm: { type: 'string', default: '100' }, settle: { type: 'string', default: '60' },
  window: { type: 'string', default: '60' }, empty: { type: 'boolean', default: false },
  deadline: { type: 'string', default: '600' }, 'node-args': { type: 'string', default: '' },
} });
const zones = Number(values.zones);

interface Sample { t: number; zones: number; zonesWithPeers: number; rssKb: number; cpuMs: number; lookups: number; queries: number; failures?: Record<string, number> }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const net = await startTestnet({ nodes: Number(values.swarm) });
const bootstrap = JSON.stringify(net.bootstrap);
const resident = fileURLToPath(new URL('./sim/resident.js', import.meta.url));
const start = (host: string, prefix: string) => new Child([process.execPath, resident, '--zones', String(zones), '--prefix', prefix,
  '--host', host, '--bootstrap', bootstrap, '--protocol', values.protocol!, '--metrics-port', METRICS_PORT, `--node-args=${values['node-args']!}`]);
const children: Child[] = [start(HOSTS[0], `bz-${process.pid}`), start(HOSTS[1], `bz-${process.pid}`)];
if (values.empty) children.push(start(HOSTS[2], `bz-empty-${process.pid}`));
const stopAll = async () => { await Promise.all(children.map((c) => c.stop())); await net.close(); };
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stopAll().finally(() => process.exit(130)));

const last = new Map<Child, Sample>();
const poll = () => {
  for (const c of children) {
    const s = c.latest() as Sample | { error: string } | undefined;
    if (s && 'error' in s) throw new Error(s.error);
    if (s) last.set(c, s);
  }
};
const [a, b] = children as [Child, Child];
let found: { ms: number; a: Sample; b: Sample } | null = null;
const t0 = performance.now();
while (performance.now() - t0 < Number(values.deadline) * 1000) {
  await sleep(POLL_MS);
  poll();
  const sa = last.get(a), sb = last.get(b);
  if (process.env.BENCH_ZONES_TRACE) console.error(JSON.stringify({ a: sa, b: sb }));
  else if (Math.round((performance.now() - t0) / POLL_MS) % 10 === 0) {
    console.error(`bench-zones: ${sa?.zonesWithPeers ?? '-'} and ${sb?.zonesWithPeers ?? '-'} of ${zones} zones list their sibling` +
      ` (probe failures ${JSON.stringify(sa?.failures ?? {})} and ${JSON.stringify(sb?.failures ?? {})})`);
  }
  if (sa && sb && sa.zonesWithPeers === zones && sb.zonesWithPeers === zones) { found = { ms: Math.max(sa.t, sb.t), a: sa, b: sb }; break; }
}
console.error(`bench-zones: ${found ? `every zone found after ${found.ms} ms` : 'not every zone found'}; settling ${values.settle} s`);
await sleep(Number(values.settle) * 1000);
poll();
const before = new Map(children.map((c) => [c, last.get(c)]));
const windowS = Number(values.window);
await sleep(windowS * 1000);
poll();
const perMin = 60 / windowS;
const rates = children.map((c) => {
  const s0 = before.get(c), s1 = last.get(c);
  if (!s0 || !s1) return null;
  return {
    queriesPerZonePerMin: ((s1.queries - s0.queries) * perMin) / zones, lookupsPerZonePerMin: ((s1.lookups - s0.lookups) * perMin) / zones,
    cpuMsPerZonePerMin: ((s1.cpuMs - s0.cpuMs) * perMin) / zones, rssMb: s1.rssKb / 1024, cpuMsTotal: s1.cpuMs,
  };
});
await stopAll();

const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '-' : x.toFixed(d));
console.log(`${zones} ${values.protocol} zones, swarm of ${values.swarm} on loopback: every zone listed by both after ${found ? `${(found.ms / 1000).toFixed(1)} s` : 'never'}` +
  (found ? ` (then RSS ${f(found.a.rssKb / 1024)}/${f(found.b.rssKb / 1024)} MB, CPU ${f(found.a.cpuMs / zones, 0)}/${f(found.b.cpuMs / zones, 0)} ms per zone)` : ''));
console.log(`daemon  queries/zone/min  lookups/zone/min  CPU ms/zone/min  RSS MB  (window of ${windowS} s, ${values.settle} s after)`);
rates.forEach((r, i) => console.log(`${['A', 'B', 'C (empty)'][i]!.padEnd(9)} ${f(r?.queriesPerZonePerMin).padStart(14)} ${f(r?.lookupsPerZonePerMin, 2).padStart(17)} ${f(r?.cpuMsPerZonePerMin).padStart(16)} ${f(r?.rssMb).padStart(7)}`));
console.log(JSON.stringify({ zones, protocol: values.protocol, swarm: Number(values.swarm), allZonesMs: found?.ms ?? null, atFound: found && { a: found.a, b: found.b }, settleS: Number(values.settle), windowS, rates }));
process.exit(0);
