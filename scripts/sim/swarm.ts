/**
 * scripts/sim child: a swarm of plain bittorrent-dht nodes on 10.77.1.1 onwards, with churn
 * (a fraction of the nodes killed and replaced by fresh ones, new id and address, per minute).
 * The first BOOTSTRAP_NODES never churn, like the public routers.
 *
 *   node dist/scripts/sim/swarm.js NODES CHURN_PER_MIN
 *
 * Prints {"bootstrap": [...]} once every node has bootstrapped, {"churned": N} as it goes.
 */
import DHT from 'bittorrent-dht';
import { onStopSignal, say, simAddress } from './child-io.js';

const BOOTSTRAP_NODES = 3;
const SWARM_BLOCK = 1;
const nodes = Number(process.argv[2] ?? 300);
const churnPerMin = Number(process.argv[3] ?? 0);

let next = 0;
const live: DHT[] = [];

function listen(dht: DHT, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    dht.once('error', reject);
    dht.listen(0, host, () => { dht.off('error', reject); dht.on('error', () => undefined); resolve(); });
  });
}

async function startNode(bootstrap: { host: string; port: number }[] | false): Promise<DHT> {
  const dht = new DHT({ bootstrap, host: false });
  dht.on('warning', () => undefined);
  await listen(dht, simAddress(SWARM_BLOCK, next++));
  return dht;
}

const first = await startNode(false);
live.push(first);
const boot = [{ host: first.address().address, port: first.address().port }];
for (let i = 1; i < nodes; i++) live.push(await startNode(boot));
const bootstrap = live.slice(0, BOOTSTRAP_NODES).map((d) => ({ host: d.address().address, port: d.address().port }));
await Promise.all(live.map((d) => (d.ready ? undefined : new Promise((r) => d.once('ready', r)))));
say({ bootstrap, nodes: live.length });

let churned = 0;
let churnTimer: NodeJS.Timeout | undefined;
if (churnPerMin > 0 && nodes > BOOTSTRAP_NODES) {
  // One replacement at a time, evenly spread: fraction x nodes per minute.
  const everyMs = 60_000 / (churnPerMin * nodes);
  churnTimer = setInterval(() => {
    const i = BOOTSTRAP_NODES + Math.floor(Math.random() * (live.length - BOOTSTRAP_NODES));
    const old = live[i]!;
    old.destroy();
    void startNode(bootstrap).then((d) => { live[i] = d; churned++; if (churned % 10 === 0) say({ churned }); });
  }, everyMs);
}

onStopSignal(async () => {
  clearInterval(churnTimer);
  await Promise.all(live.map((d) => new Promise<void>((r) => d.destroy(() => r()))));
});
