/**
 * Start-to-first-verified-peer on a loopback DHT swarm (a benchmark, not a test).
 *
 *   npm run bench:discovery -- [--nodes 100] [--runs 30]
 *
 * One resident wherez node announces on 127.0.0.2; each run starts a fresh node (new DHT node,
 * new address 127.0.1.x) and times from before its DHT socket is bound to its first verified
 * peer. Default production timing, no shortcuts. Everything stays on 127.0.0.0/8.
 * A second series starts two fresh nodes at the same moment with a passphrase nobody else
 * uses (neither can find the other in its first lookup) and times until both have verified.
 */
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { startTestnet } from '../src/discovery/testnet.js';
import { DhtNode } from '../src/discovery/dht.js';
import { Discovery } from '../src/discovery/discovery.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '100' }, runs: { type: 'string', default: '30' } } });
const nodes = Number(values.nodes);
const runs = Number(values.runs);
const passphrase = Buffer.from('bench-discovery');

const net = await startTestnet({ nodes });
const residentDht = new DhtNode({ host: '127.0.0.2', port: 0, bootstrap: net.bootstrap });
await residentDht.start();
const resident = new Discovery({ passphrase, appPort: 389, authPort: 0, dht: residentDht, host: '127.0.0.2' });
await resident.start();
// Let the resident's announce land before the first measured run.
await new Promise((r) => setTimeout(r, 500));

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const host = `127.0.1.${i + 1}`;
  const t0 = performance.now();
  const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap });
  await dht.start();
  const d = new Discovery({ passphrase, appPort: 389, authPort: 0, dht, host });
  const first = once(d, 'peer');
  await d.start();
  await first;
  times.push(performance.now() - t0);
  await d.close();
  await dht.close();
}
await resident.close();
await residentDht.close();

async function startNode(host: string, pass: Buffer) {
  const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap });
  await dht.start();
  const d = new Discovery({ passphrase: pass, appPort: 389, authPort: 0, dht, host });
  const first = once(d, 'peer');
  await d.start();
  return { first, close: async () => { await d.close(); await dht.close(); } };
}
const pairTimes: number[] = [];
for (let i = 0; i < Math.min(runs, 10); i++) {
  const pass = Buffer.from(`bench-pair-${i}`);
  const t0 = performance.now();
  const pair = await Promise.all([startNode(`127.0.2.${i + 1}`, pass), startNode(`127.0.3.${i + 1}`, pass)]);
  await Promise.all(pair.map((n) => n.first));
  pairTimes.push(performance.now() - t0);
  for (const n of pair) await n.close();
}
await net.close();

function report(label: string, xs: number[]): void {
  xs.sort((a, b) => a - b);
  const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
  console.log(`${label} (${xs.length} runs, ${nodes}-node swarm) ms: min ${q(0)} median ${q(0.5)} p90 ${q(0.9)} max ${xs[xs.length - 1]!.toFixed(1)}`);
}
report('start-to-first-verified-peer, peer already announced', times);
report('two nodes started together, until both verified', pairTimes);
