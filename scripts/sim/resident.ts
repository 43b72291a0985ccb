/**
 * scripts/sim child: one real `wherez serve` daemon with many zones, run as a child process,
 * watched from outside: zones whose peers are found (its /status endpoint), RSS and CPU time
 * (/proc/PID). Prints one JSON line per POLL_MS until stopped.
 *
 *   node dist/scripts/sim/resident.js --zones N --prefix P --host 10.77.200.1 --bootstrap JSON
 *        [--protocol v1|v2] [--metrics-port 9153] [--node-args="--cpu-prof --cpu-prof-dir=/tmp/p"]
 *
 * Zones share passphrases `<prefix>-<i>`: two residents with the same prefix are siblings in
 * every zone; a prefix nobody else uses gives zones that stay empty.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Endpoint } from '../../src/net/endpoint.js';
import { onStopSignal, say } from './child-io.js';

const POLL_MS = 1_000;
const CLK_TCK = 100;
const { values } = parseArgs({ options: {
  zones: { type: 'string', default: '100' }, prefix: { type: 'string', default: 'sim-zone' },
  host: { type: 'string', default: '10.77.200.1' }, bootstrap: { type: 'string', default: '[]' },
  protocol: { type: 'string', default: 'v2' }, 'metrics-port': { type: 'string', default: '9153' },
  'node-args': { type: 'string', default: '' },
} });
const METRICS_PORT = Number(values['metrics-port']);
const zones = Number(values.zones);
const host = values.host!;
const bootstrap = JSON.parse(values.bootstrap!) as Endpoint[];

const dir = mkdtempSync(join(tmpdir(), 'wherez-sim-'));
const lines = [`listen: ["${host}:0"]`, 'forward: false', `allow: ["10.77.0.0/16"]`, `state_dir: ${dir}/state`,
  'log_level: warn', `metrics: "${host}:${METRICS_PORT}"`,
  `dht: { bind: ${host}, port: 0, bootstrap: [${bootstrap.map((b) => `"${b.host}:${b.port}"`).join(', ')}] }`, 'zones:'];
for (let i = 0; i < zones; i++) {
  writeFileSync(join(dir, `z${i}.key`), `${values.prefix}-${i}`, { mode: 0o600 });
  lines.push(`  z${i}: { passphrase_file: z${i}.key, announce: 389, auth_port: 0, protocol: ${values.protocol} }`);
}
writeFileSync(join(dir, 'wherez.yaml'), `${lines.join('\n')}\n`);

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const t0 = performance.now();
const daemon = spawn(process.execPath, [...values['node-args']!.split(' ').filter(Boolean), bin, 'serve', '--config', join(dir, 'wherez.yaml')], { stdio: ['ignore', 'ignore', 'inherit'] });

function procStats(pid: number): { rssKb: number; cpuMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime, stime
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { rssKb, cpuMs };
  } catch {
    return null;
  }
}

interface Status {
  dht: { queriesSent: number; queriesHeldBack: number; nodes: number };
  zones: Array<{ peers: unknown[]; discovery: { lookups: number; announces: number; contacts: number; probes: number; failures: Record<string, number> } }>;
}
async function status(): Promise<Status | null> {
  try {
    const res = await fetch(`http://${host}:${METRICS_PORT}/status`, { signal: AbortSignal.timeout(POLL_MS) });
    return (await res.json()) as Status;
  } catch {
    return null;
  }
}

const timer = setInterval(() => void (async () => {
  const s = await status();
  const p = daemon.pid ? procStats(daemon.pid) : null;
  if (!s || !p) return;
  const lookups = s.zones.reduce((n, z) => n + z.discovery.lookups, 0);
  const announces = s.zones.reduce((n, z) => n + z.discovery.announces, 0);
  const contacts = s.zones.reduce((n, z) => n + z.discovery.contacts, 0);
  const probes = s.zones.reduce((n, z) => n + z.discovery.probes, 0);
  // Probe failures by reason, summed over zones (a zone stuck without its sibling shows why here).
  const failures: Record<string, number> = {};
  for (const z of s.zones) for (const [k, v] of Object.entries(z.discovery.failures)) failures[k] = (failures[k] ?? 0) + v;
  say({ t: Math.round(performance.now() - t0), zones: s.zones.length, zonesWithPeers: s.zones.filter((z) => z.peers.length > 0).length, lookups, announces, contacts, probes, failures, queries: s.dht.queriesSent, heldBack: s.dht.queriesHeldBack, dhtNodes: s.dht.nodes, ...p });
})(), POLL_MS);

onStopSignal(async () => {
  clearInterval(timer);
  if (daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});
daemon.on('exit', (code) => { if (code) { say({ error: `wherez serve exited ${code}` }); process.exit(1); } });
