/**
 * How long `wherez serve` takes to exit after SIGTERM sent as soon as it serves (a benchmark,
 * not a test):
 *
 *   npm run bench:stop -- [--runs 5] [--protocol v1|v2|both]
 *
 * Each run starts a real `wherez serve` (one zone announcing, on 127.0.22.x, a loopback swarm of
 * 8 nodes as its bootstrap), sends SIGTERM the moment it prints its "serving" line, and times until
 * the process has exited. At that moment a v2 zone's first scrypt (and the passphrase-strength
 * check) are still running: the figure shows whether a stop waits for them. The last line is JSON.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { startTestnet } from '../src/discovery/testnet.js';
import { startServe } from '../test/helpers/serve.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, protocol: { type: 'string', default: 'v2' } } });
const runs = Number(values.runs);
const protocol = values.protocol as 'v1' | 'v2' | 'both';
if (!['v1', 'v2', 'both'].includes(protocol)) throw new Error('--protocol is v1, v2 or both');
if (!(runs >= 1 && runs <= 250)) throw new Error('--runs is 1..250');

const load = [loadavg()];
const net = await startTestnet({ nodes: 8 });
const bootstrap = `${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}`;
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const n = await startServe({ host: `127.0.22.${i + 1}`, bootstrap, passphrase: 'bench-stop: tangerine-obelisk-quiver-lantern', announce: 3900, protocol });
  const t0 = performance.now();
  await n.stop();
  times.push(performance.now() - t0);
}
await net.close();
load.push(loadavg());

times.sort((a, b) => a - b);
const at = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(0));
const s = { min: at(0), median: at(0.5), max: Number(times[times.length - 1]!.toFixed(0)) };
console.log(`wherez serve, one ${protocol} zone, SIGTERM as soon as it serves, until exit (${runs} runs) ms: min ${s.min} median ${s.median} max ${s.max}`);
console.log(`load average (1 5 15 min): ${load.map((l) => l.map((x) => x.toFixed(2)).join(' ')).join(' -> ')}`);
console.log(JSON.stringify({ protocol, runs, ms: s, loadavg: load }));
