/**
 * Attack bench, discovery half (issue 6 items 11 and 12). A benchmark, not a test: it prints
 * figures side by side with and without each attack. Loopback only (distinct 127.x addresses),
 * bounded in time, everything closed at the end.
 *
 *   npm run bench:attack:discovery -- [--nodes 30] [--runs 5] [--flood-seconds 60] [--only junk|flood]
 *
 * 1. Junk endpoints (item 12): 20 hostile DHT nodes on 127.1.<i>.1 each announce the zone's
 *    infohash with 25 ports where a local server accepts and never answers (500 endpoints);
 *    then an honest node announces. A fresh node (production timing) is timed from start to its
 *    first verified peer; the same without the junk.
 * 2. Auth flood (item 11): 1,000 connections to a victim's auth port (half silent, half one
 *    byte a second, each replaced 1 s after it closes), from 8 addresses of one /24, or from
 *    100 /24s (10 each). Two peers re-verify the victim every 5 s. Reported: time until both
 *    list a victim started under the flood, then, over --flood-seconds of flood, the share of
 *    samples in which both list it and how often they lost it; the same without the flood.
 * The flood runs in a child process (scripts/attack-auth-flood.ts); the swarm, the victim and its
 * peers share the bench process, whose max RSS is reported (an upper bound for one daemon).
 */
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import net from 'node:net';
import DHT from 'bittorrent-dht';
import { startTestnet, type Testnet } from '../src/discovery/testnet.js';
import { DhtNode } from '../src/discovery/dht.js';
import { Discovery } from '../src/discovery/discovery.js';
import type { DiscoveryTiming } from '../src/discovery/timing.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const { values } = parseArgs({ options: {
  nodes: { type: 'string', default: '30' }, only: { type: 'string', default: '' }, runs: { type: 'string', default: '5' }, 'flood-seconds': { type: 'string', default: '60' },
} });
const NODES = Number(values.nodes);
const RUNS = Number(values.runs);
const FLOOD_S = Number(values['flood-seconds']);
const HOSTILE_IPS = 20;
const PORTS_PER_IP = 25;
/** A run that finds nobody within this counts as a miss (bounds the bench). */
const FIRST_PEER_LIMIT_MS = 60_000;
const PEER_TIMING: Partial<DiscoveryTiming> = { reverifyMs: 5_000 };
const SAMPLE_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'miss');

async function node(swarm: Testnet, host: string, pass: Buffer, announce: boolean, timing?: Partial<DiscoveryTiming>) {
  const dht = new DhtNode({ host, port: 0, bootstrap: swarm.bootstrap });
  await dht.start();
  const d = new Discovery({ passphrase: pass, dht, host, timing, ...(announce ? { appPort: 389, authPort: 0 } : {}) });
  return { dht, d, close: async () => { await d.close(); await dht.close(); } };
}

/** 20 IPs x 25 ports of accept-and-silent servers, announced by a DHT node on each IP. */
async function startJunk(swarm: Testnet, infohash: Buffer) {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const dhts: DHT[] = [];
  for (let i = 1; i <= HOSTILE_IPS; i++) {
    const host = `127.1.${i}.1`;
    const dht = new DHT({ bootstrap: swarm.bootstrap, host: false });
    dht.on('error', () => undefined);
    dhts.push(dht);
    await new Promise<void>((r) => dht.listen(0, host, () => r()));
    for (let p = 0; p < PORTS_PER_IP; p++) {
      const s = net.createServer((c) => { sockets.add(c); c.on('error', () => undefined); c.on('close', () => sockets.delete(c)); });
      servers.push(s);
      s.listen(0, host);
      await once(s, 'listening');
      const port = (s.address() as net.AddressInfo).port;
      await new Promise<void>((r) => dht.announce(infohash, port, () => r()));
    }
  }
  return async () => {
    for (const c of sockets) c.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await Promise.all(dhts.map((d) => new Promise<void>((r) => d.destroy(() => r()))));
  };
}

async function firstPeerTimes(withJunk: boolean, series: number): Promise<{ times: number[]; contacts: number; dropped: number }> {
  const swarm = await startTestnet({ nodes: NODES });
  const pass = Buffer.from(`attack-junk-${series}`);
  const probe = await node(swarm, '127.0.9.1', pass, false); // only for the infohash
  const infohash = probe.d.infohash;
  await probe.close();
  const stopJunk = withJunk ? await startJunk(swarm, infohash) : async () => undefined;
  const honest = await node(swarm, '127.0.0.10', pass, true);
  await honest.d.start();
  await sleep(3_000); // its announce lands (it announces after its first lookup)
  const times: number[] = [];
  let contacts = 0;
  let dropped = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const v = await node(swarm, `127.0.${20 + series}.${r + 1}`, pass, false);
    const first = once(v.d, 'peer');
    await v.d.start();
    let limit: NodeJS.Timeout | undefined;
    const got = await Promise.race([first.then(() => true), new Promise<boolean>((r) => { limit = setTimeout(() => r(false), FIRST_PEER_LIMIT_MS); })]);
    clearTimeout(limit);
    times.push(got ? performance.now() - t0 : Infinity);
    contacts += v.d.stats.contacts;
    dropped += v.d.droppedCandidates;
    await v.close();
  }
  await honest.close();
  await stopJunk();
  await swarm.close();
  return { times, contacts: contacts / RUNS, dropped: dropped / RUNS };
}

interface FloodResult { coldMs: number; listedShare: number; lost: number; answered: number; overCap: number; preempted: number }

async function floodRun(flood: 'none' | 'one-prefix' | 'many-prefixes', series: number): Promise<FloodResult> {
  const swarm = await startTestnet({ nodes: NODES });
  const pass = Buffer.from(`attack-flood-${series}`);
  const peers = [await node(swarm, `127.0.5.${series * 2 + 1}`, pass, true, PEER_TIMING), await node(swarm, `127.0.5.${series * 2 + 2}`, pass, true, PEER_TIMING)];
  for (const p of peers) await p.d.start();
  const victimHost = `127.0.6.${series + 1}`;
  let lost = 0;
  for (const p of peers) p.d.on('lost', (peer) => { if (peer.host === victimHost) lost++; });
  const listed = () => peers.every((p) => p.d.peers().some((x) => x.host === victimHost));
  // The victim's listener must exist before the flood can target it: bind it, flood, then start discovery.
  const victim = await node(swarm, victimHost, pass, true, PEER_TIMING);
  const authPort = await reserveAuthPort(victimHost);
  const v = new Discovery({ passphrase: pass, dht: victim.dht, host: victimHost, appPort: 389, authPort, timing: PEER_TIMING });
  const sources = flood === 'one-prefix' ? Array.from({ length: 8 }, (_, i) => `127.0.4.${i + 1}`)
    : Array.from({ length: 100 }, (_, i) => `127.2.${i}.1`);
  const t0 = performance.now();
  await v.start();
  const attack = flood === 'none' ? undefined : await startFloodProcess(victimHost, authPort, sources);
  let coldMs = Infinity;
  while (performance.now() - t0 < FIRST_PEER_LIMIT_MS) {
    if (listed()) { coldMs = performance.now() - t0; break; }
    await sleep(SAMPLE_MS);
  }
  let yes = 0;
  let samples = 0;
  lost = 0;
  const end = performance.now() + FLOOD_S * 1000;
  while (performance.now() < end) {
    samples++;
    if (listed()) yes++;
    await sleep(SAMPLE_MS);
  }
  if (attack) { attack.kill('SIGTERM'); await once(attack, 'exit'); }
  const s = v.listenerStats;
  const result = { coldMs, listedShare: yes / samples, lost, answered: s?.answered ?? 0, overCap: s?.overCap ?? 0, preempted: s?.preempted ?? 0 };
  await v.close();
  await victim.close();
  for (const p of peers) await p.close();
  await swarm.close();
  return result;
}

/** The flood in a child process (scripts/attack-auth-flood.ts), started once it prints `flooding`. */
async function startFloodProcess(host: string, port: number, sources: string[]) {
  const script = fileURLToPath(new URL('./attack-auth-flood.js', import.meta.url));
  const child = spawn(process.execPath, [script, host, String(port), sources.join(','), '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) if (line === 'flooding') break;
  return child;
}

/** A free TCP port on `host` (bound and released), so the flood knows where to aim before discovery starts. */
async function reserveAuthPort(host: string): Promise<number> {
  const s = net.createServer();
  s.listen(0, host);
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const started = Date.now();
let junkJson: unknown;
if (values.only !== 'flood') {
  const clean = await firstPeerTimes(false, 0);
  const junk = await firstPeerTimes(true, 1);
  console.log(`\nJunk endpoints: ${HOSTILE_IPS} IPs x ${PORTS_PER_IP} ports accept and never answer; ${NODES}-node swarm; ${RUNS} fresh nodes each; production timing`);
  console.log('                                   without      with 500 junk endpoints');
  console.log(`time to first honest peer, median  ${fmt(median(clean.times)).padEnd(12)} ${fmt(median(junk.times))}`);
  console.log(`time to first honest peer, max     ${fmt(Math.max(...clean.times)).padEnd(12)} ${fmt(Math.max(...junk.times))}`);
  console.log(`contacts considered per run        ${clean.contacts.toFixed(0).padEnd(12)} ${junk.contacts.toFixed(0)}`);
  console.log(`candidates dropped (queue full)    ${clean.dropped.toFixed(0).padEnd(12)} ${junk.dropped.toFixed(0)}`);
  junkJson = { withoutMs: median(clean.times), withMs: median(junk.times), maxWithMs: Math.max(...junk.times) };
}
let floods: FloodResult[] = [];
if (values.only !== 'junk') {
  floods = [await floodRun('none', 0), await floodRun('one-prefix', 1), await floodRun('many-prefixes', 2)];
  console.log(`\nAuth flood: 1,000 connections (half silent, half 1 byte/s, replaced 1 s after close); peers re-verify every 5 s; ${FLOOD_S} s of flood`);
  console.log('                                    without      8 IPs, one /24   100 /24s');
  const row = (label: string, f: (r: FloodResult) => string) => console.log(`${label.padEnd(36)}${floods.map((r) => f(r).padEnd(13)).join('    ')}`);
  row('victim started: listed by both in', (r) => fmt(r.coldMs));
  row('share of samples listed by both', (r) => `${(r.listedShare * 100).toFixed(1)} %`);
  row('victim lost by a peer (times)', (r) => String(r.lost));
  row('challenges answered by victim', (r) => String(r.answered));
  row('connections refused / preempted', (r) => `${r.overCap} / ${r.preempted}`);
}
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(`\nmax RSS of the bench process (swarm and all nodes; the flood is a child process): ${rssMb.toFixed(0)} MB; wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(JSON.stringify({ junk: junkJson,
  flood: floods.map((r) => ({ coldMs: r.coldMs, listedShare: r.listedShare, lost: r.lost })), maxRssMb: Math.round(rssMb) }));
