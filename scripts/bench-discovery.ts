/**
 * Start-to-first-verified-peer on a loopback DHT swarm (a benchmark, not a test).
 *
 *   npm run bench:discovery -- [--nodes 100] [--runs 30] [--protocol v1|v2|both]
 *
 * Cases, for each protocol asked (`both`, the default, runs v1 then v2 in one swarm):
 * - join: one resident wherez node announces (v1 on 127.0.0.2, v2 on 127.0.0.4); each run starts a
 *   fresh node (new DHT node, new address) and times from before its DHT socket is bound to its
 *   first verified peer. Default production timing, no shortcuts.
 * - both-cold: two fresh nodes start at the same moment with a passphrase nobody else uses
 *   (neither can find the other in its first lookup); timed until both have verified.
 * v2 runs each case twice:
 * - warm: the node's epoch keys (scrypt N=2^17, r=8, p=4 of e and e-1) are derived before the
 *   clock starts, as in a daemon that has been up (its key ring is shared, already settled);
 * - cold: the clock starts before the key ring does, so the time includes the scrypt of the
 *   current epoch (run at the same time as the DHT bootstrap, as a daemon starting does). The
 *   `keys` column is the median time from the start until the ring held the current epoch's keys.
 *   Each cold run waits for its ring's remaining derivation (e-1) after the clock stops, so no
 *   scrypt of one run spills into the next.
 * The last column is the median number of DHT queries each new node sent, and held back (its
 * per-destination budget was spent), until the clock stopped.
 * Everything stays on 127.0.0.0/8; every DHT node has `bootstrap` set to the loopback swarm.
 * A run that finds nothing in --timeout seconds (default 60) is a miss. The last line is JSON.
 */
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { startTestnet } from '../src/discovery/testnet.js';
import { DhtNode } from '../src/discovery/dht.js';
import { Discovery } from '../src/discovery/discovery.js';
import { KeyRing } from '../src/discovery/v2/key-ring.js';
import { epochAt, passwordBytes } from '../src/discovery/v2/keys.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    runs: { type: 'string', default: '30' },
    protocol: { type: 'string', default: 'both' },
    timeout: { type: 'string', default: '60' },
  },
});
const nodes = Number(values.nodes);
const runs = Number(values.runs);
const pairRuns = Math.min(runs, 10);
const timeoutMs = Number(values.timeout) * 1000;
if (!['v1', 'v2', 'both'].includes(values.protocol)) throw new Error('--protocol is v1, v2 or both');
if (!(runs >= 1 && runs <= 250)) throw new Error('--runs is 1..250 (one 127.0.x.y address per run)');
type Protocol = 'v1' | 'v2';
const protocols: Protocol[] = values.protocol === 'both' ? ['v1', 'v2'] : [values.protocol as Protocol];
type Keys = 'warm' | 'cold' | '-';
interface Row { protocol: Protocol; case: 'join' | 'both-cold'; keys: Keys; times: number[]; misses: number; keysMs: number[]; sent: number[]; heldBack: number[] }
const rows: Row[] = [];
const load = [loadavg()];

const net = await startTestnet({ nodes });

/** A started node. `ring` is the v2 key ring it uses (shared when warm); cold rings are its own. */
interface NodeHandle { first: Promise<unknown>; keysAt: Promise<number>; dht: DhtNode; close(): Promise<void> }

/**
 * Starts one node at `host`. v2 with `ring`: that (settled) ring; v2 without: a fresh ring
 * started here, after the caller's clock, with the default scrypt.
 */
async function startNode(host: string, pass: Buffer, protocol: Protocol, t0: number, ring?: KeyRing): Promise<NodeHandle> {
  let own: KeyRing | undefined;
  let keysAt = Promise.resolve(0);
  if (protocol === 'v2' && !ring) {
    own = new KeyRing();
    own.add('bench', passwordBytes(pass)!);
    own.start();
    keysAt = own.whenReady('bench', epochAt(Date.now())).then(() => performance.now() - t0);
  }
  const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap });
  await dht.start();
  const d = new Discovery({
    passphrase: pass, appPort: 389, authPort: 0, dht, host, protocol,
    v2: protocol === 'v2' ? { keys: ring ?? own, zone: 'bench' } : undefined,
  });
  const first = once(d, 'peer');
  await d.start();
  return {
    first, keysAt, dht,
    close: async () => {
      await d.close();
      await dht.close();
      if (own) { await own.settled(); own.close(); }
    },
  };
}

/** A ring holding every key the window wants for `pass` (e and e-1), derived now. */
async function warmRing(pass: Buffer): Promise<KeyRing> {
  const ring = new KeyRing();
  ring.add('bench', passwordBytes(pass)!);
  ring.start();
  await ring.settled();
  return ring;
}

/** DHT queries each new node sent, and held back (no budget left for the destination), until the clock stopped. */
function countQueries(row: Row, ns: NodeHandle[]): void {
  for (const n of ns) { row.sent.push(n.dht.queryBudget.sent); row.heldBack.push(n.dht.queryBudget.refused); }
}

function withTimeout<T>(p: Promise<T>): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Join: a resident has announced; `runs` fresh nodes, each on 127.0.<subnet>.<i>. */
async function joinSeries(protocol: Protocol, keys: Keys, subnet: number, resident: { ring?: KeyRing; pass: Buffer }): Promise<void> {
  const row: Row = { protocol, case: 'join', keys, times: [], misses: 0, keysMs: [], sent: [], heldBack: [] };
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const n = await startNode(`127.0.${subnet}.${i + 1}`, resident.pass, protocol, t0, keys === 'warm' ? resident.ring : undefined);
    const r = await withTimeout(n.first);
    if (r === 'timeout') row.misses++; else row.times.push(performance.now() - t0);
    countQueries(row, [n]);
    if (keys === 'cold') row.keysMs.push(await n.keysAt);
    await n.close();
  }
  rows.push(row);
}

/** Both cold: two fresh nodes at once under a new passphrase, on 127.0.<subnet>.i and 127.0.<subnet+1>.i. */
async function pairSeries(protocol: Protocol, keys: Keys, subnet: number): Promise<void> {
  const row: Row = { protocol, case: 'both-cold', keys, times: [], misses: 0, keysMs: [], sent: [], heldBack: [] };
  for (let i = 0; i < pairRuns; i++) {
    const pass = Buffer.from(`bench-pair-${protocol}-${keys}-${process.pid}-${i}`);
    // Warm: one ring for both (one process, as the daemon shares one), settled before the clock.
    const ring = keys === 'warm' ? await warmRing(pass) : undefined;
    const t0 = performance.now();
    const pair = await Promise.all([
      startNode(`127.0.${subnet}.${i + 1}`, pass, protocol, t0, ring),
      startNode(`127.0.${subnet + 1}.${i + 1}`, pass, protocol, t0, ring),
    ]);
    const r = await withTimeout(Promise.all(pair.map((n) => n.first)));
    if (r === 'timeout') row.misses++; else row.times.push(performance.now() - t0);
    countQueries(row, pair);
    if (keys === 'cold') row.keysMs.push(...await Promise.all(pair.map((n) => n.keysAt)));
    for (const n of pair) await n.close();
    ring?.close();
  }
  rows.push(row);
}

async function residentNode(host: string, protocol: Protocol, pass: Buffer, ring?: KeyRing) {
  const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap });
  await dht.start();
  const d = new Discovery({ passphrase: pass, appPort: 389, authPort: 0, dht, host, protocol, v2: ring && { keys: ring, zone: 'bench' } });
  await d.start();
  // Let the resident's announce land before the first measured run.
  await new Promise((r) => setTimeout(r, 500));
  return async () => { await d.close(); await dht.close(); };
}

for (const protocol of protocols) {
  const pass = Buffer.from(`bench-discovery-${protocol}`);
  if (protocol === 'v1') {
    const closeResident = await residentNode('127.0.0.2', 'v1', pass);
    await joinSeries('v1', '-', 1, { pass });
    await closeResident();
    await pairSeries('v1', '-', 2);
  } else {
    // The resident and the warm joiners share one settled ring: every key derived before any clock.
    const ring = await warmRing(pass);
    const closeResident = await residentNode('127.0.0.4', 'v2', pass, ring);
    await joinSeries('v2', 'warm', 4, { pass, ring });
    await joinSeries('v2', 'cold', 5, { pass, ring });
    await closeResident();
    ring.close();
    await pairSeries('v2', 'warm', 6);
    await pairSeries('v2', 'cold', 8);
  }
  load.push(loadavg());
}
await net.close();

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : null);
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? Number(s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1)) : null);
  return { min: q(0), median: q(0.5), p90: q(0.9), max: s.length ? Number(s[s.length - 1]!.toFixed(1)) : null };
}
const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(1));
console.log(`time to first verified peer, ${nodes}-node loopback swarm, production timing (ms; both-cold: until both verified)`);
console.log('protocol  case       keys  runs  misses     min    median       p90       max   keys ms (median)  queries sent / held back per node (median)');
for (const r of rows) {
  const s = stats(r.times);
  console.log(`${r.protocol.padEnd(8)}  ${r.case.padEnd(9)}  ${r.keys.padEnd(4)}  ${String(r.times.length + r.misses).padStart(4)}  ${String(r.misses).padStart(6)}`
    + `  ${fmt(s.min).padStart(6)}  ${fmt(s.median).padStart(8)}  ${fmt(s.p90).padStart(8)}  ${fmt(s.max).padStart(8)}   ${(r.keysMs.length ? fmt(median(r.keysMs)) : '-').padEnd(16)}  ${median(r.sent)} / ${median(r.heldBack)}`);
}
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`load average (1 5 15 min): ${load.map(la).join(' -> ')}`);
console.log(JSON.stringify({
  nodes, runs, pairRuns, loadavg: load,
  results: rows.map((r) => ({ protocol: r.protocol, case: r.case, keys: r.keys, runs: r.times.length + r.misses, misses: r.misses, ms: stats(r.times), keysMsMedian: r.keysMs.length ? Number(median(r.keysMs)!.toFixed(1)) : null, queriesSentMedian: median(r.sent), queriesHeldBackMedian: median(r.heldBack) })),
}));
