/**
 * The DNS half of the attack bench (issue #6, "Done when"): what honest clients get from
 * `wherez`'s DNS server while it is attacked, side by side with no attack. Loopback only, bounded.
 *
 *   npm run bench:attack:dns -- [--phase-seconds 30] [--slow 300] [--slow-ips 10]
 *                               [--datagrams 1000000] [--rate 10000] [--streams 1000]
 *
 * The server runs in a child process (this script with --serve-only; zones `_ldap` with 3 peers
 * and `_big` with 40, whose answer only fits over TCP), so attackers never share its event loop
 * and its RSS is its own. Phases, each with the same honest probes from 127.0.2.1 (a UDP `_ldap`
 * SRV every 100 ms, a TCP `_big` SRV on a fresh connection every 200 ms, each given 2 s):
 *   baseline   no attack, --phase-seconds;
 *   slow-tcp   --slow clients from --slow-ips addresses in 127.0.1.0/24, each announcing a
 *              65,535-byte frame and sending it at 1 byte/s, reconnecting 100 ms after a close;
 *   fuzz       --datagrams hostile UDP datagrams at --rate per second (so 100 s by default) from
 *              127.0.3.1, and --streams hostile TCP streams (20 at a time) from 127.0.3.2.
 * Prints per phase: probes answered / sent, the server's max RSS (VmRSS sampled every 250 ms)
 * and its counters; the last line is JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDnsServer, type DnsCounters, type ZoneSnapshot } from '../src/dns/server.js';
import { probe, slowClients, tcpFuzz, udpFuzz, type ProbeCounts, type Target } from './attack-dns-clients.js';

const HOST = '127.0.0.1';
const PROBE_SOURCE = '127.0.2.1';
const UDP_PROBE_EVERY_MS = 100;
const TCP_PROBE_EVERY_MS = 200;
const RSS_SAMPLE_MS = 250;
const TCP_FUZZ_PARALLEL = 20;
const PEERS = { ldap: 3, big: 40 } as const;

const { values } = parseArgs({
  options: {
    'serve-only': { type: 'boolean', default: false },
    'phase-seconds': { type: 'string', default: '30' },
    slow: { type: 'string', default: '300' },
    'slow-ips': { type: 'string', default: '10' },
    datagrams: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '10000' },
    streams: { type: 'string', default: '1000' },
  },
});

if (values['serve-only']) await serveOnly();
else await main();

async function serveOnly(): Promise<void> {
  const farFuture = Date.now() + 365 * 86_400_000;
  const zones = new Map<string, ZoneSnapshot>(Object.entries(PEERS).map(([label, n]) => [label, {
    label, ttl: 30, stale: false, version: 1,
    peers: Array.from({ length: n }, (_, i) => ({ host: `10.0.0.${i + 1}`, port: 389, expiresAt: farFuture })),
  }]));
  const server = createDnsServer({ listen: [{ host: HOST, port: 0 }], lookup: (l) => zones.get(l), labels: () => [...zones.keys()], forward: false });
  const [bound] = await server.start();
  process.stdout.write(`${JSON.stringify(bound)}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'stats') process.stdout.write(`${JSON.stringify(server.stats())}\n`);
  }
  await server.close(); // stdin closed: the parent is done
}

interface Phase { name: string; udp: ProbeCounts; tcp: ProbeCounts; maxRssMb: number; counters: Partial<DnsCounters>; note: string }

async function main(): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-only'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exitOnSignal = (): void => { child.kill('SIGKILL'); process.exit(130); };
  process.once('SIGINT', exitOnSignal);
  process.once('SIGTERM', exitOnSignal);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => (await lines.next()).value as string;
  const target: Target = { host: HOST, port: (JSON.parse(await next()) as { port: number }).port };
  const stats = async (): Promise<DnsCounters> => { child.stdin!.write('stats\n'); return JSON.parse(await next()) as DnsCounters; };
  const seconds = Number(values['phase-seconds']);
  const phases: Phase[] = [];

  async function phase(name: string, attack: (signal: AbortSignal) => Promise<string>, ms?: number): Promise<void> {
    const before = await stats();
    const stop = new AbortController();
    let maxRss = 0;
    const sampler = setInterval(() => { maxRss = Math.max(maxRss, rssKb(child.pid!)); }, RSS_SAMPLE_MS);
    const probes = Promise.all([probe(target, 'udp', PROBE_SOURCE, UDP_PROBE_EVERY_MS, PEERS.ldap, stop.signal),
      probe(target, 'tcp', PROBE_SOURCE, TCP_PROBE_EVERY_MS, PEERS.big, stop.signal)]);
    const attacking = attack(stop.signal);
    if (ms !== undefined) setTimeout(() => stop.abort(), ms);
    const note = await attacking;
    stop.abort();
    const [udp, tcp] = await probes;
    clearInterval(sampler);
    const after = await stats();
    const delta = (k: 'queries' | 'dropped' | 'tcpConnections' | 'tcpQueryDeadlines' | 'internalErrors'): number => (after[k] ?? 0) - (before[k] ?? 0);
    const p: Phase = { name, udp, tcp, maxRssMb: Math.round(maxRss / 1024), note,
      counters: { queries: delta('queries'), dropped: delta('dropped'), tcpConnections: delta('tcpConnections'),
        tcpQueryDeadlines: delta('tcpQueryDeadlines'), internalErrors: delta('internalErrors') } };
    phases.push(p);
    console.log(`${name.padEnd(9)} UDP probes ${p.udp.answered}/${p.udp.sent}  TCP probes ${p.tcp.answered}/${p.tcp.sent}  ` +
      `max RSS ${p.maxRssMb} MB  ${note}  server: ${JSON.stringify(p.counters)}`);
  }

  try {
    await phase('baseline', async (signal) => { await once(signal, 'abort'); return 'no attack'; }, seconds * 1000);
    const slowIps = Array.from({ length: Number(values['slow-ips']) }, (_, i) => `127.0.1.${i + 1}`);
    await phase('slow-tcp', async (signal) => {
      const r = await slowClients(target, slowIps, Number(values.slow), signal);
      return `${values.slow} slow clients from ${slowIps.length} IPs, ${r.connections} connections`;
    }, seconds * 1000);
    await phase('fuzz', async () => {
      const [datagrams, streams] = await Promise.all([
        udpFuzz(target, '127.0.3.1', Number(values.datagrams), Number(values.rate), 20261202),
        tcpFuzz(target, '127.0.3.2', Number(values.streams), TCP_FUZZ_PARALLEL, 20261203)]);
      return `${datagrams} hostile datagrams at ${values.rate}/s, ${streams} hostile TCP streams`;
    });
  } finally {
    child.stdin!.end();
    const exited = once(child, 'exit');
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(kill);
  }
  console.log(JSON.stringify({ phases }));
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
