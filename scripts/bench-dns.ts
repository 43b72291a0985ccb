/**
 * DNS serving speed, wherez next to unbound with the same records (a benchmark, not a test).
 *
 *   npm run bench:dns -- [--duration 6] [--rate 20000] [--clients 2] [--rounds 2]
 *
 * Needs the Debian packages dnsperf and unbound (`apt-get install -y dnsperf unbound`). The
 * wherez DNS server runs in a child process (this script with --serve-only) so the benchmark
 * client never shares its event loop; unbound runs in the foreground with a throw-away config
 * and one thread, serving as a static local zone the records that wherez answered (read off
 * wherez's own replies, so both serve the same bytes of answer data). With two or more cores and
 * `taskset`, both servers are pinned to CPU 1 and dnsperf to CPU 0.
 *
 * For each question (a 1-peer SRV answer `_ldap`, a 20-peer SRV answer `_big`, EDNS on so the
 * 20-peer answer fits in one UDP datagram) and each server: a short warm-up, an unthrottled run
 * (max qps; dnsperf summary only, as per-query output would slow the client), and a run limited
 * to --rate qps with dnsperf -v, from whose per-query latencies p50/p99/p99.9 are computed
 * (dnsperf 2.10 has no latency histogram). The unthrottled runs alternate between the servers
 * --rounds times and the best of each counts, so a burst of other load on the machine does not
 * land on one server only. Everything stays on 127.0.0.0/8.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { createDnsServer, type ZoneSnapshot } from '../src/dns/server.js';

const WHEREZ_HOST = '127.0.0.21';
const UNBOUND_HOST = '127.0.0.22';
const ZONE = '_wherez.local';
const QUESTIONS = [
  { name: `_ldap.${ZONE}`, label: 'ldap', peers: 1, what: '1-peer SRV' },
  { name: `_big.${ZONE}`, label: 'big', peers: 20, what: '20-peer SRV' },
] as const;

const { values } = parseArgs({
  options: {
    'serve-only': { type: 'boolean', default: false },
    duration: { type: 'string', default: '6' },
    rate: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
  },
});

/** Child processes (wherez, unbound) and the temp directory of the parent, removed on the way out. */
const children: ChildProcess[] = [];
let tmp: string | undefined;

if (values['serve-only']) {
  await serveOnly();
} else {
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  const code = await main().then(() => 0, (err: unknown) => {
    console.error('bench-dns failed:', err);
    return 1;
  });
  await stopChildren();
  process.exit(code);
}

/** SIGTERM each child and wait for it (SIGKILL after 3 s). */
async function stopChildren(): Promise<void> {
  await Promise.all(children.map(async (c) => {
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }));
}

/** Child mode: a wherez DNS server with in-memory zones; prints its endpoint, runs until SIGTERM. */
async function serveOnly(): Promise<void> {
  const farFuture = Date.now() + 365 * 24 * 3600 * 1000;
  const zones = new Map<string, ZoneSnapshot>();
  for (const q of QUESTIONS) {
    const subnet = q.label === 'ldap' ? 1 : 2;
    const peers = Array.from({ length: q.peers }, (_, i) => ({ host: `127.0.${subnet}.${i + 1}`, port: 389, expiresAt: farFuture }));
    zones.set(q.label, { label: q.label, peers, ttl: 30, stale: false, version: 1 });
  }
  const labels = [...zones.keys()];
  const server = createDnsServer({ listen: [{ host: WHEREZ_HOST, port: 0 }], lookup: (l) => zones.get(l), labels: () => labels, forward: false });
  const [bound] = await server.start();
  process.stdout.write(`${JSON.stringify(bound)}\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

interface Run {
  server: string;
  question: string;
  mode: string;
  qps: number;
  avgMs: number;
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
  lostPct: number;
  cpuPct: number;
  /** CPU used by anything but the server and dnsperf (other processes, hypervisor steal), % of one core. */
  otherPct: number;
}

async function main(): Promise<void> {
  const duration = Number(values.duration);
  const rate = Number(values.rate);
  const clients = Number(values.clients);
  const rounds = Number(values.rounds);
  const tools = requireTools();
  const pin = os.availableParallelism() >= 2 && which('taskset') !== null;
  const onCpu = (cpu: number, cmd: string, args: string[]): [string, string[]] =>
    pin ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];

  const dir = mkdtempSync(path.join(os.tmpdir(), 'wherez-bench-dns-'));
  tmp = dir;

  console.log(machine(pin, tools));
  const busy0 = await otherLoad();
  console.log(`CPU busy before starting (1 s sample, all cores): ${busy0.toFixed(0)}%` +
    (busy0 > 10 ? ' - warning: other work is using the CPUs, numbers may be low' : ''));

  // wherez, in a child process on CPU 1.
  const self = fileURLToPath(import.meta.url);
  const [wCmd, wArgs] = onCpu(1, process.execPath, [self, '--serve-only']);
  const wherez = spawn(wCmd, wArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(wherez);
  const [line] = (await once(wherez.stdout!, 'data')) as [Buffer];
  const wPort = (JSON.parse(line.toString().split('\n')[0]!) as { port: number }).port;

  // The records as wherez serves them, which unbound then serves too.
  const wReplies = new Map<string, dnsPacket.Packet & { bytes: number }>();
  for (const q of QUESTIONS) {
    const r = await ask(WHEREZ_HOST, wPort, q.name);
    const answers = r.answers ?? [];
    if ((r.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE || answers.length !== q.peers) {
      throw new Error(`wherez answered ${q.name} with ${answers.length} records (TC=${Boolean((r.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE)}), expected ${q.peers}`);
    }
    wReplies.set(q.name, r);
  }
  const soa = await ask(WHEREZ_HOST, wPort, ZONE, 'SOA');

  const uPort = await freeUdpPort(UNBOUND_HOST);
  const conf = path.join(dir, 'unbound.conf');
  writeFileSync(conf, unboundConf(dir, uPort, [...wReplies.values(), soa]));
  const [uCmd, uArgs] = onCpu(1, tools.unbound, ['-d', '-c', conf]);
  const unbound = spawn(uCmd, uArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(unbound);
  const uReplies = new Map<string, dnsPacket.Packet & { bytes: number }>();
  for (const q of QUESTIONS) uReplies.set(q.name, await askUntilUp(UNBOUND_HOST, uPort, q.name, unbound));

  console.log('\nreplies (EDNS, UDP):');
  for (const q of QUESTIONS) {
    const w = wReplies.get(q.name)!;
    const u = uReplies.get(q.name)!;
    const same = sameRrset(w.answers ?? [], u.answers ?? []);
    console.log(`  ${q.name} SRV: wherez ${w.bytes} B (${w.answers?.length} answers, ${w.additionals?.filter((a) => a.type !== 'OPT').length} additional)` +
      `, unbound ${u.bytes} B (${u.answers?.length} answers, ${u.additionals?.filter((a) => a.type !== 'OPT').length} additional)` +
      `; answer RRset ${same ? 'identical' : 'DIFFERENT'}`);
    if (!same) throw new Error(`unbound's answer for ${q.name} differs from wherez's`);
  }

  const servers = [
    { name: 'wherez', host: WHEREZ_HOST, port: wPort, pid: wherez.pid! },
    { name: 'unbound', host: UNBOUND_HOST, port: uPort, pid: unbound.pid! },
  ];
  const runs: Run[] = [];
  const commands = new Set<string>();
  const measure = async (s: (typeof servers)[number], q: (typeof QUESTIONS)[number], base: string[], mode: string, qfile: string): Promise<void> => {
    const limited = !mode.startsWith('max');
    const args = [...base, '-l', String(duration), ...(limited ? ['-Q', String(rate), '-v'] : [])];
    commands.add(`dnsperf ${args.join(' ').replace(s.host, '<server>').replace(String(s.port), '<port>').replace(qfile, '<queries>')}`);
    const [cpu0, reaped0, busy0] = [cpuTicks(s.pid), reapedTicks(), busyTicks()];
    const t0 = performance.now();
    const out = await dnsperf(onCpu, tools.dnsperf, args, dir, limited);
    const ticks = (performance.now() - t0) / 10;
    const server = cpuTicks(s.pid) - cpu0;
    const other = busyTicks() - busy0 - server - (reapedTicks() - reaped0);
    runs.push({ server: s.name, question: q.what, mode, ...out, cpuPct: (100 * server) / ticks, otherPct: Math.max(0, (100 * other) / ticks) });
  };
  for (const q of QUESTIONS) {
    const qfile = path.join(dir, `${q.label}.queries`);
    writeFileSync(qfile, `${q.name} SRV\n`);
    const base = (s: (typeof servers)[number]): string[] =>
      ['-s', s.host, '-p', String(s.port), '-d', qfile, '-e', '-c', String(clients), '-T', '1'];
    for (const s of servers) await dnsperf(onCpu, tools.dnsperf, [...base(s), '-l', '1'], dir, false); // warm-up: JIT, reply cache
    for (let round = 1; round <= rounds; round++) {
      for (const s of servers) await measure(s, q, base(s), `max #${round}`, qfile);
    }
    for (const s of servers) await measure(s, q, base(s), `${rate / 1000}k/s`, qfile);
  }

  console.log('\nserver CPU %: the server process, % of one core. other CPU %: everything but the server and dnsperf' +
    ' (other processes, hypervisor steal); well above a few % means the run was disturbed.');
  console.log(`dnsperf runs (${duration} s each, ${clients} clients, EDNS; pinned: ${pin ? 'servers CPU 1, dnsperf CPU 0' : 'no'}):`);
  for (const c of commands) console.log(`  ${c}`);
  console.log();
  printTable(runs);
  console.log();
  const best = (server: string, what: string): Run =>
    runs.filter((r) => r.server === server && r.question === what && r.mode.startsWith('max')).reduce((a, b) => (b.qps > a.qps ? b : a));
  for (const q of QUESTIONS) {
    const w = best('wherez', q.what);
    const u = best('unbound', q.what);
    const wr = runs.find((r) => r.server === 'wherez' && r.question === q.what && !r.mode.startsWith('max'))!;
    const ratio = w.qps / u.qps;
    console.log(`${q.what}: wherez/unbound max qps (best of ${rounds}) = ${w.qps.toFixed(0)}/${u.qps.toFixed(0)} = ${ratio.toFixed(2)}` +
      ` (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})` +
      (u.cpuPct < 90 ? ` [unbound at ${u.cpuPct.toFixed(0)}% CPU: client-bound, its real ceiling is higher]` : '') +
      `; wherez p99 at ${rate / 1000}k qps = ${fmtMs(wr.p99Ms)} ms (target < 1 ms: ${wr.p99Ms !== undefined && wr.p99Ms < 1 && wr.lostPct === 0 ? 'met' : 'NOT met'})`);
  }
}

/** How busy the CPUs are over one second, % of all cores (before anything of ours runs). */
async function otherLoad(): Promise<number> {
  const sample = (): { idle: number; total: number } => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, 1000));
  const b = sample();
  return b.total === a.total ? 0 : 100 * (1 - (b.idle - a.idle) / (b.total - a.total));
}

/** The command's path: on PATH, or in /usr/sbin and /sbin (unbound lives there, off a user's PATH). */
function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Paths of dnsperf and unbound; exits 1 with the install command when one is missing. */
function requireTools(): { dnsperf: string; unbound: string } {
  const dnsperf = which('dnsperf');
  const unbound = which('unbound');
  if (!dnsperf || !unbound) {
    const missing = [dnsperf ? '' : 'dnsperf', unbound ? '' : 'unbound'].filter(Boolean).join(' and ');
    console.error(`bench-dns needs ${missing}, not found on PATH, /usr/sbin or /sbin.\n` +
      'Install them (Debian/Ubuntu): apt-get install -y dnsperf unbound\n' +
      '(unbound is only run in the foreground with a temporary config; its system service is not used.)');
    process.exit(1);
  }
  return { dnsperf, unbound };
}

function version(cmd: string, args: string[], re: RegExp): string {
  try {
    const r = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return re.exec(r)?.[1] ?? '?';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return re.exec(`${e.stdout ?? ''}${e.stderr ?? ''}`)?.[1] ?? '?';
  }
}

function machine(pin: boolean, tools: { dnsperf: string; unbound: string }): string {
  const cpu = os.cpus()[0]?.model ?? '?';
  return `machine: ${os.availableParallelism()} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Linux ${os.release()}, Node ${process.version}\n` +
    `dnsperf ${version(tools.dnsperf, ['-h'], /Version (\S+)/)}, unbound ${version(tools.unbound, ['-V'], /Version (\S+)/)}, ` +
    `pinning ${pin ? 'with taskset' : 'off (needs taskset and 2 cores)'}`;
}

function query(name: string, type: 'SRV' | 'SOA'): Buffer {
  return dnsPacket.encode({
    type: 'query', id: Math.floor(Math.random() * 65536), flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.Answer],
  });
}

/** One UDP question with EDNS; rejects after `timeoutMs`. */
async function ask(host: string, port: number, name: string, type: 'SRV' | 'SOA' = 'SRV', timeoutMs = 1000): Promise<dnsPacket.Packet & { bytes: number }> {
  const sock = dgram.createSocket('udp4');
  try {
    const got = once(sock, 'message') as Promise<[Buffer]>;
    sock.send(query(name, type), port, host);
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer from ${host}:${port}`)), timeoutMs).unref());
    const [msg] = await Promise.race([got, timer]);
    return { ...dnsPacket.decode(msg), bytes: msg.length };
  } finally {
    sock.close();
  }
}

async function askUntilUp(host: string, port: number, name: string, proc: ChildProcess): Promise<dnsPacket.Packet & { bytes: number }> {
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`unbound exited with code ${proc.exitCode}`);
    try {
      return await ask(host, port, name, 'SRV', 200);
    } catch (err) {
      if (i >= 50) throw err;
    }
  }
}

async function freeUdpPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, host, resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A record as unbound `local-data` text. */
function rrText(a: dnsPacket.Answer): string | null {
  const n = `${a.name}.`;
  switch (a.type) {
    case 'SRV': {
      const d = a.data as dnsPacket.SrvData;
      return `${n} ${a.ttl} IN SRV ${d.priority ?? 0} ${d.weight ?? 0} ${d.port} ${d.target}.`;
    }
    case 'A':
      return `${n} ${a.ttl} IN A ${a.data as string}`;
    case 'AAAA':
      return `${n} ${a.ttl} IN AAAA ${a.data as string}`;
    case 'SOA': {
      const d = a.data as dnsPacket.SoaData;
      return `${n} ${a.ttl} IN SOA ${d.mname}. ${d.rname}. ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    }
    default:
      return null;
  }
}

function unboundConf(dir: string, port: number, replies: dnsPacket.Packet[]): string {
  const data = new Set<string>();
  for (const r of replies) {
    for (const a of [...(r.answers ?? []), ...(r.additionals ?? [])]) {
      const t = rrText(a);
      if (t) data.add(t);
    }
  }
  return [
    'server:',
    `  interface: ${UNBOUND_HOST}`,
    `  port: ${port}`,
    '  do-ip4: yes',
    '  do-ip6: no',
    '  do-udp: yes',
    '  do-tcp: no',
    '  do-daemonize: no',
    '  chroot: ""',
    '  username: ""',
    '  pidfile: ""',
    `  directory: "${dir}"`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 0',
    '  num-threads: 1',
    '  module-config: "iterator"',
    '  access-control: 127.0.0.0/8 allow',
    '  edns-buffer-size: 1232',
    `  local-zone: "${ZONE}." static`,
    ...[...data].map((d) => `  local-data: "${d}"`),
    'remote-control:',
    '  control-enable: no',
    '',
  ].join('\n');
}

function sameRrset(a: dnsPacket.Answer[], b: dnsPacket.Answer[]): boolean {
  const key = (x: dnsPacket.Answer[]): string => x.map((r) => `${r.name.toLowerCase()} ${rrText({ ...r, name: '' })}`).sort().join('\n');
  return key(a) === key(b);
}

/** CPU time of this process's waited-for children (dnsperf, once it has exited), in clock ticks. */
function reapedTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]);
}

/** Busy time of all CPUs (everything but idle and iowait; steal counts as busy), in clock ticks. */
function busyTicks(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3]! - f[4]!;
}

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function dnsperf(onCpu: (cpu: number, cmd: string, args: string[]) => [string, string[]], dnsperfPath: string, args: string[],
  dir: string, verbose: boolean): Promise<Omit<Run, 'server' | 'question' | 'mode' | 'cpuPct' | 'otherPct'>> {
  const outFile = path.join(dir, 'dnsperf.out');
  const fd = openSync(outFile, 'w');
  const [cmd, cargs] = onCpu(0, dnsperfPath, args);
  const p = spawn(cmd, cargs, { stdio: ['ignore', fd, 'pipe'] });
  let stderr = '';
  p.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const [code] = (await once(p, 'exit')) as [number | null];
  closeSync(fd);
  const out = readFileSync(outFile, 'utf8');
  if (code !== 0) throw new Error(`dnsperf ${args.join(' ')} exited ${code}: ${stderr}${out.slice(-2000)}`);
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  const res: Omit<Run, 'server' | 'question' | 'mode' | 'cpuPct' | 'otherPct'> = {
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    lostPct: num(/Queries lost:\s+\d+ \(([\d.]+)%\)/),
  };
  if (verbose) {
    // -v lines: "> NOERROR _ldap._wherez.local SRV 0.000083" (latency in seconds, last field).
    const lat: number[] = [];
    for (const m of out.matchAll(/^> \S+ .* ([\d.]+)$/gm)) lat.push(Number(m[1]) * 1000);
    lat.sort((a, b) => a - b);
    const pct = (p: number): number | undefined => lat.length ? lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)] : undefined;
    Object.assign(res, { p50Ms: pct(0.5), p99Ms: pct(0.99), p999Ms: pct(0.999) });
  }
  return res;
}

function fmtMs(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3);
}

function printTable(runs: Run[]): void {
  const head = ['server', 'query', 'load', 'qps', 'avg ms', 'p50 ms', 'p99 ms', 'p99.9 ms', 'lost %', 'server CPU %', 'other CPU %'];
  const rows = runs.map((r) => [r.server, r.question, r.mode, r.qps.toFixed(0), fmtMs(r.avgMs), fmtMs(r.p50Ms), fmtMs(r.p99Ms),
    fmtMs(r.p999Ms), r.lostPct.toFixed(2), r.cpuPct.toFixed(0), r.otherPct.toFixed(0)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${w.map((n, i) => (i < 3 ? '-'.repeat(n + 2) : `${'-'.repeat(n + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
