/**
 * Time to the first verified sibling of `wherez demo` (a measurement, not a test; no root needed).
 *
 *   npm run bench:demo -- [--runs 3]
 *
 * Each run starts the built demo on ephemeral ports, reads its own figures (seconds since it
 * started: the v2 rendezvous key derived, each sibling verified) until it prints the commands to
 * try, stops it with SIGTERM, then times one bare scrypt with the protocol's parameters for scale
 * (the derivation is most of the wait, and this shared machine's load moves it a lot). Prints one
 * line per run and the load average; record that next to the figures.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rendezvousKey } from '../src/discovery/v2/keys.js';

const BIN = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
/** A run that shows no `try` lines by then counts as failed (the demo itself prints them after 30 s). */
const RUN_DEADLINE_MS = 60_000;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });

async function demoRun(): Promise<{ key?: string; peers: string[]; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'demo', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const out: { key?: string; peers: string[] } = { peers: [] };
  const timer = setTimeout(() => child.kill('SIGTERM'), RUN_DEADLINE_MS);
  for await (const line of createInterface({ input: child.stdout })) {
    const key = /^v2 rendezvous key derived after ([\d.]+ s)/.exec(line);
    if (key) out.key = key[1];
    const peer = /^peer found: \S+ \(verified after ([\d.]+ s)/.exec(line);
    if (peer) out.peers.push(peer[1]!);
    if (line.startsWith('try, in another terminal:')) child.kill('SIGTERM');
  }
  clearTimeout(timer);
  await exited;
  return { ...out, stderr };
}

for (let i = 1; i <= Number(values.runs); i++) {
  const r = await demoRun();
  const t0 = Date.now();
  await rendezvousKey(Buffer.from('bench-demo'), 0);
  const scrypt = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`run ${i}: key derived after ${r.key ?? '-'}, siblings verified after ${r.peers.join(', ') || 'none'}; one bare scrypt ${scrypt} s${r.stderr ? `; stderr: ${r.stderr.trim()}` : ''}`);
}
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`);
