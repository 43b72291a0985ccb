/**
 * A restarted node listed again by its sibling (a benchmark, not a test).
 *
 *   npm run bench:restart -- [--nodes 100] [--runs 10] [--protocol v1|v2] [--wait-lost] [--steady 3]
 *
 * A resident node A (127.0.0.2, production timing) lists its sibling B (127.0.0.3). Each run
 * stops B (its Discovery and its DHT node, as a process exit would) and starts it again with a
 * new DHT node and a new ephemeral auth port, and times from that start until A lists B on its
 * new port. Default: a quick restart (A still lists B's old port when B is back); --wait-lost
 * restarts only once A reported the old port lost (B down for a whole re-verification period).
 * A is warm (its one peer is listed), so its own lookups run once a minute: before #10.4 that
 * walk, or B's announce reaching A's DHT node, was what re-listed B (1.3-51.5 s). Runs are 6 s
 * apart, past the relist rate limits. Everything stays on 127.0.0.0/8.
 * --steady N first leaves A and B listing each other for N minutes and reports A's challenges to B
 * per minute: B's re-verifications dial A, and each may make A recheck B (the cost of the recheck;
 * without it, one per reverifyMs, 2 a minute).
 */
import { parseArgs } from 'node:util';
import { startTestnet } from '../src/discovery/testnet.js';
import { DhtNode } from '../src/discovery/dht.js';
import { Discovery } from '../src/discovery/discovery.js';
import type { Peer } from '../src/peer.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' }, runs: { type: 'string', default: '10' },
    protocol: { type: 'string', default: 'v1' }, 'wait-lost': { type: 'boolean', default: false },
    steady: { type: 'string', default: '0' },
  },
});
const nodes = Number(values.nodes);
const runs = Number(values.runs);
const protocol = values.protocol === 'v2' ? 'v2' : 'v1';
const passphrase = Buffer.from('bench-restart');
const A = '127.0.0.2';
const B = '127.0.0.3';

const net = await startTestnet({ nodes });
const aDht = new DhtNode({ host: A, port: 0, bootstrap: net.bootstrap });
await aDht.start();
const a = new Discovery({ passphrase, appPort: 389, authPort: 0, dht: aDht, host: A, protocol });
await a.start();

/** B's times: from its start until it lists A (it dials A then), for reference. */
const bFound: number[] = [];
async function startB(t0 = performance.now()) {
  const dht = new DhtNode({ host: B, port: 0, bootstrap: net.bootstrap });
  await dht.start();
  const d = new Discovery({ passphrase, appPort: 389, authPort: 0, dht, host: B, protocol });
  d.once('peer', () => bFound.push(performance.now() - t0));
  await d.start();
  return { d, close: async () => { await d.close(); await dht.close(); } };
}

/** Resolves when A emits `ev` about B and `match` holds. */
function whenA(ev: 'peer' | 'lost', match: (p: Peer) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const on = (p: Peer) => { if (p.host === B && match(p)) { a.off(ev, on); resolve(); } };
    a.on(ev, on);
  });
}

let b: { d: Discovery; close: () => Promise<void> } | undefined;
const listed = whenA('peer', () => true);
b = await startB();
await listed;
const steadyMin = Number(values.steady);
if (steadyMin > 0) {
  const r0 = a.stats.reverifications;
  const d0 = a.stats.dialBacks;
  await new Promise((r) => setTimeout(r, steadyMin * 60_000));
  const per = (n: number) => (n / steadyMin).toFixed(2);
  console.log(`steady ${steadyMin} min: A challenged B ${per(a.stats.reverifications - r0)} times a minute (${per(a.stats.dialBacks - d0)} of them rechecks on B's dials)`);
}
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  await new Promise((r) => setTimeout(r, 6_000));
  const old = b.d.authPort;
  const lost = whenA('lost', (p) => p.authPort === old);
  await b.close();
  if (values['wait-lost']) await lost;
  const state: { port?: number } = {};
  const back = whenA('peer', (p) => p.authPort === state.port);
  const t0 = performance.now();
  b = await startB(t0);
  state.port = b.d.authPort;
  // Listed before the port was known here (start() resolves after the bind): nothing to wait for.
  if (!a.peers().some((p) => p.host === B && p.authPort === state.port)) await back;
  times.push(performance.now() - t0);
  process.stderr.write(`run ${i + 1}: ${(times.at(-1)! / 1000).toFixed(2)} s\n`);
}
const stats = a.stats.toJSON();
await b.close();
await a.close();
await aDht.close();
await net.close();

function report(label: string, xs: number[]): void {
  if (xs.length === 0) return;
  xs.sort((x, y) => x - y);
  const q = (p: number) => (xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! / 1000).toFixed(2);
  console.log(`${label} (${xs.length} runs, ${nodes}-node swarm) s: min ${q(0)} median ${q(0.5)} p90 ${q(0.9)} max ${(xs.at(-1)! / 1000).toFixed(2)}`);
}
const kind = `${protocol} ${values['wait-lost'] ? 'restart after A lost B' : 'quick restart'}, new auth port`;
report(`${kind}: B's start to A listing B`, times);
report(`${kind}: B's start to B listing A (B dials A then)`, bFound.slice(1));
console.log(`A: lookups ${stats.lookups}, relists ${stats.relists}, dial-backs ${stats.dialBacks}, held back ${stats.relistsHeldBack}`);
