/**
 * Discovery under internet conditions on one machine (a benchmark, not a test). Needs root,
 * iproute2, and either sch_netem or python3 with /dev/net/tun (see scripts/sim/netns.ts).
 *
 *   npm run sim -- [--profile loopback|rtt50|rtt100-loss2|churn10] [--nodes 300] [--runs 30]
 *                  [--impl wherez,floor] [--zones 100] [--warm-wait 30] [--warm-after 200] [--window 60]
 *                  [--rtt MS] [--jitter MS] [--loss PCT] [--churn FRACTION_PER_MIN] [--max-time S]
 *
 * Creates a namespace wzsim-<pid> (removed on exit, error, SIGINT and SIGTERM), runs a swarm of
 * plain bittorrent-dht nodes in it with churn, then timed runs of fresh wherez nodes (and of
 * plain bittorrent-dht lookups, the floor): join (members already announced) and cold (two
 * nodes started together), and finally three real `wherez serve` daemons with --zones zones each
 * (two siblings in every zone, one whose zones stay empty) for RSS, CPU and the DHT queries each
 * sends per zone per minute once warm, counted on the wire: the window opens --warm-wait s after
 * every zone is found and no sooner than --warm-after s after the daemons started (empty zones
 * slow down after 3 min). Prints a table, then one JSON line.
 */
import { parseArgs } from 'node:util';
import { SimNetwork, type LinkProfile } from './sim/netns.js';
import { Child, simAddress } from './sim/child-io.js';
import { summarize, printTable, type CaseResult, type WarmResult } from './sim/report.js';
import { measureWarm } from './sim/warm.js';

const PROFILES: Record<string, LinkProfile & { churn: number }> = {
  loopback: { rttMs: 0, jitterMs: 0, lossPercent: 0, churn: 0 },
  rtt50: { rttMs: 50, jitterMs: 5, lossPercent: 0, churn: 0 },
  'rtt100-loss2': { rttMs: 100, jitterMs: 10, lossPercent: 2, churn: 0 },
  churn10: { rttMs: 50, jitterMs: 5, lossPercent: 0, churn: 0.1 },
};
const SWARM_READY_TIMEOUT_MS = 300_000;

const { values } = parseArgs({ options: {
  profile: { type: 'string', default: 'loopback' }, nodes: { type: 'string', default: '300' },
  runs: { type: 'string', default: '30' }, impl: { type: 'string', default: 'wherez,floor' },
  zones: { type: 'string', default: '100' }, 'warm-wait': { type: 'string', default: '30' },
  'warm-after': { type: 'string', default: '200' },
  window: { type: 'string', default: '60' }, rtt: { type: 'string' }, jitter: { type: 'string' },
  loss: { type: 'string' }, churn: { type: 'string' }, 'max-time': { type: 'string', default: '3600' },
  deadline: { type: 'string', default: '40' },
} });
const base = PROFILES[values.profile!];
if (!base) { console.error(`unknown profile ${values.profile}; one of ${Object.keys(PROFILES).join(', ')}`); process.exit(1); }
const opt = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
const link = { rttMs: opt(values.rtt, base.rttMs), jitterMs: opt(values.jitter, base.jitterMs), lossPercent: opt(values.loss, base.lossPercent) };
const churn = opt(values.churn, base.churn);
const nodes = Number(values.nodes);

const net = new SimNetwork(link);
const children = new Set<Child>();
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await Promise.all([...children].map((c) => c.stop()));
  net.close();
}
process.on('exit', () => net.close());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => { console.error(`sim: ${sig}, cleaning up`); void cleanup().finally(() => process.exit(130)); });
}
const maxTimer = setTimeout(() => { console.error('sim: --max-time reached, cleaning up'); void cleanup().finally(() => process.exit(2)); }, Number(values['max-time']) * 1000);
maxTimer.unref();

function child(script: string, args: string[]): Child {
  // The main flow may still be running while a signal cleans up: start nothing new then.
  if (cleaned) throw new Error('stopping');
  const c = new Child(net.exec([process.execPath, new URL(`./sim/${script}`, import.meta.url).pathname, ...args]));
  children.add(c);
  void c.exited.then(() => children.delete(c));
  return c;
}

try {
  await net.start();
  console.error(`sim: namespace ${net.name}, ${net.mode}, rtt ${link.rttMs} ms +/- ${link.jitterMs}, loss ${link.lossPercent}%, churn ${churn * 100}%/min, ${nodes} DHT nodes`);
  const swarm = child('swarm.js', [String(nodes), String(churn)]);
  const ready = await swarm.next(SWARM_READY_TIMEOUT_MS) as { bootstrap?: unknown } | null;
  if (!ready?.bootstrap) throw new Error('the swarm did not start');
  const bootstrap = JSON.stringify(ready.bootstrap);
  const cases: CaseResult[] = [];
  for (const impl of values.impl!.split(',').filter(Boolean)) {
    for (const kind of ['join', 'cold'] as const) {
      const runs = child('runs.js', ['--impl', impl, '--case', kind, '--runs', values.runs!, '--bootstrap', bootstrap, '--deadline', String(Number(values.deadline) * 1000)]);
      const samples: (number | null)[] = [];
      for (;;) {
        const line = await runs.next(Number(values.deadline) * 1000 * 3) as { ms?: number; miss?: boolean; done?: boolean } | null;
        if (!line || line.done) break;
        samples.push(line.miss ? null : line.ms ?? null);
        console.error(`sim: ${impl} ${kind} run ${samples.length}: ${line.miss ? 'miss' : `${line.ms?.toFixed(0)} ms`}`);
      }
      await runs.stop();
      cases.push(summarize(impl, kind, samples));
    }
  }
  const zones = Number(values.zones);
  let warm: WarmResult | undefined;
  if (zones > 0) {
    warm = await measureWarm({
      net, zones, bootstrap, warmWaitS: Number(values['warm-wait']), warmAfterS: Number(values['warm-after']), windowS: Number(values.window),
      start: (host, prefix) => child('resident.js', ['--zones', String(zones), '--prefix', prefix, '--host', host, '--bootstrap', bootstrap]),
      hosts: [simAddress(200, 0), simAddress(200, 1), simAddress(200, 2)],
    });
  }
  await cleanup();
  printTable({ profile: values.profile!, link, churn, nodes, mode: net.mode }, cases, warm);
} catch (err) {
  console.error(`sim: ${(err as Error).message}`);
  await cleanup();
  process.exit(1);
}
