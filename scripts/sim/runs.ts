/**
 * scripts/sim child: timed runs of fresh nodes against the swarm, wherez or the plain
 * bittorrent-dht floor. One JSON line per run ({"ms": N} or {"miss": true}), then {"done": true}.
 *
 *   node dist/scripts/sim/runs.js --impl wherez|floor --case join|cold --runs N --bootstrap JSON
 *
 * join: a resident node has announced; each run starts a fresh node (new DHT node, new address)
 *       and times from before its socket is bound to its first verified peer (floor: the first
 *       DHT value for the infohash, no verification).
 * cold: each run starts two fresh nodes at once under a passphrase nobody else uses and times
 *       until both have found the other.
 */
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import type { Endpoint } from '../../src/net/endpoint.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import { say, simAddress } from './child-io.js';
import { startFloorNode } from './floor-node.js';

const { values } = parseArgs({ options: {
  impl: { type: 'string', default: 'wherez' }, case: { type: 'string', default: 'join' },
  runs: { type: 'string', default: '30' }, bootstrap: { type: 'string' }, deadline: { type: 'string', default: '40000' },
} });
const bootstrap = JSON.parse(values.bootstrap ?? '[]') as Endpoint[];
const runs = Number(values.runs);
const deadlineMs = Number(values.deadline);
const APP_PORT = 389;
const RESIDENT_BLOCK = 100;
const JOIN_BLOCK = 101;
const COLD_BLOCKS = [110, 120] as const;

interface SimNode { found: Promise<void>; close(): Promise<void> }

async function startWherez(host: string, passphrase: Buffer): Promise<SimNode & { d: Discovery }> {
  const dht = new DhtNode({ host, port: 0, bootstrap });
  await dht.start();
  const d = new Discovery({ passphrase, appPort: APP_PORT, authPort: 0, dht, host });
  const found = once(d, 'peer').then(() => undefined);
  await d.start();
  return { d, found, close: async () => { await d.close(); await dht.close(); } };
}

function start(host: string, passphrase: Buffer): Promise<SimNode> {
  if (values.impl === 'floor') return startFloorNode({ host, bootstrap, infohash: infohashV1(passphrase), port: APP_PORT });
  return startWherez(host, passphrase);
}

/** Resolves with the elapsed ms, or null past the deadline. */
async function timed(t0: number, found: Promise<unknown>): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => { timer = setTimeout(() => r(null), deadlineMs); });
  const r = await Promise.race([found.then(() => performance.now() - t0), late]);
  clearTimeout(timer);
  return r;
}

if (values.case === 'join') {
  const passphrase = Buffer.from(`sim-join-${process.pid}`);
  const resident = await start(simAddress(RESIDENT_BLOCK, 0), passphrase);
  // The join case assumes members that already announced: give the resident's announce time to land.
  await waitAnnounced(resident);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const n = await start(simAddress(JOIN_BLOCK, i), passphrase);
    const ms = await timed(t0, n.found);
    say(ms === null ? { miss: true } : { ms });
    await n.close();
  }
  await resident.close();
} else {
  for (let i = 0; i < runs; i++) {
    const passphrase = Buffer.from(`sim-cold-${process.pid}-${i}`);
    const t0 = performance.now();
    const pair = await Promise.all(COLD_BLOCKS.map((b) => start(simAddress(b, i), passphrase)));
    const ms = await timed(t0, Promise.all(pair.map((n) => n.found)));
    say(ms === null ? { miss: true } : { ms });
    await Promise.all(pair.map((n) => n.close()));
  }
}
say({ done: true });

async function waitAnnounced(n: SimNode): Promise<void> {
  const RESIDENT_SETTLE_MS = 5_000;
  const d = (n as { d?: Discovery }).d;
  const until = performance.now() + RESIDENT_SETTLE_MS;
  while (d && d.stats.announces === 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, RESIDENT_SETTLE_MS / 2));
}
