import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/load.js';
import { Daemon } from '../daemon.js';
import { DhtNode } from '../discovery/dht.js';
import { Discovery } from '../discovery/discovery.js';
import { KeyRing } from '../discovery/v2/key-ring.js';
import { passwordBytes } from '../discovery/v2/keys.js';
import { startTestnet, type Testnet } from '../discovery/testnet.js';
import { parseIp } from '../dns/ip.js';
import { hostName, serviceName, servicesName, zoneName } from '../dns/names.js';
import { cliLogger, type Logger } from '../log.js';
import { formatEndpoint } from '../net/endpoint.js';
import type { CliIO } from './io.js';
import { DEFAULT_STATUS_URL } from './status.js';

export interface DemoArgs {
  /** DNS listener of the demo's own daemon, e.g. 127.0.0.1:5300. */
  listen: string;
  /** Metrics/status endpoint, e.g. 127.0.0.1:9153 (what a bare `wherez status` reads). */
  metrics: string;
  siblings: number;
  logLevel: string;
}

/** DHT nodes of the private swarm: enough for lookups to spread, few enough to start at once. */
const DEMO_DHT_NODES = 8;
/** The port the siblings announce: LDAP, as in zones.example.yaml. */
const DEMO_APP_PORT = 389;
const DEMO_LABEL = 'ldap';
const DEMO_DOMAIN = 'local';
/** Print the commands to try even if a sibling is still missing by then (a loaded machine). */
const DEMO_FIND_DEADLINE_MS = 30_000;
const PASSPHRASE_ENV = 'WHEREZ_DEMO_PASSPHRASE';
/** The demo's zone TTL: short, so a sibling stopping (or coming back) shows quickly. */
const DEMO_TTL_S = 10;

/** Times since the demo started, as the demo prints them. */
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Sibling i (0-based) sits on its own loopback address: 127.0.0.2, 127.0.0.3, ... (Linux routes all of 127/8 to lo). */
export const siblingHost = (i: number): string => `127.0.0.${2 + i}`;

/** The demo daemon's config, through the real schema and resolver (the passphrase by env, never a file). */
function demoYaml(a: DemoArgs, stateDir: string, bootstrap: string): string {
  return [
    `listen: ["${a.listen}"]`, `domain: ${DEMO_DOMAIN}`, 'forward: false', 'allow: ["127.0.0.0/8", "::1/128"]',
    `state_dir: ${JSON.stringify(stateDir)}`, `log_level: ${a.logLevel}`, `metrics: "${a.metrics}"`,
    'dht:', '  bind: 127.0.0.1', '  port: 0', `  bootstrap: ["${bootstrap}"]`,
    'zones:', `  ${DEMO_LABEL}:`, `    passphrase_env: ${PASSPHRASE_ENV}`, `    announce: ${DEMO_APP_PORT}`, '    auth_port: 0',
    `    ttl: ${DEMO_TTL_S}`, '    min_peers: 1', // protocol: the default, v2, like a real zone
  ].join('\n');
}

/**
 * One sibling: a DHT node and a zone's discovery speaking v2 on its own address, like another host
 * would run (only the key ring is shared: same passphrase, same epoch keys; identities are its own).
 */
async function startSibling(host: string, passphrase: Buffer, net: Testnet, keys: KeyRing, log: Logger) {
  const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap, log: log.child({ component: 'dht', sibling: host }) });
  await dht.start();
  const disc = new Discovery({ passphrase, appPort: DEMO_APP_PORT, authPort: 0, dht, host, protocol: 'v2', v2: { keys, zone: DEMO_LABEL }, log: log.child({ component: 'discovery', sibling: host }) });
  const close = async () => { await disc.close(); await dht.close(); };
  try { await disc.start(); } catch (err) { await close(); throw err; }
  return { close };
}

/** The commands to paste into another terminal, with the names the DNS side really serves. */
export function tryLines(dnsHost: string, dnsPort: number, statusUrl: string, hosts: readonly string[]): string[] {
  const zone = zoneName(DEMO_DOMAIN) as string;
  const at = `@${dnsHost} -p ${dnsPort}`;
  const firstHost = parseIp(hosts[0] ?? '127.0.0.2');
  return [
    'try, in another terminal:',
    `  dig ${at} SRV ${serviceName(DEMO_LABEL, zone)}    # one SRV per verified sibling`,
    `  dig ${at} A ${serviceName(DEMO_LABEL, zone)}      # their addresses`,
    ...(firstHost ? [`  dig ${at} A ${hostName(firstHost, zone)}  # an SRV target`] : []),
    `  dig ${at} PTR ${servicesName(zone)}  # DNS-SD browse`,
    statusUrl === DEFAULT_STATUS_URL ? '  wherez status' : `  wherez status --url ${statusUrl}`,
    '(from a checkout, `node dist/src/cli/bin.js` in place of `wherez`)',
    'real use: wherez serve --config FILE (README, "Deploying"). Ctrl-C stops the demo and removes its state.',
  ];
}

/**
 * `wherez demo` (what `npm start` runs): a private DHT on loopback, sibling nodes sharing a random
 * passphrase on 127.0.0.2, .3, ..., and the real daemon serving DNS for them, so the first run
 * shows peers discovered, verified and served. Offline, any user, nothing kept after Ctrl-C.
 */
export async function runDemo(a: DemoArgs, io: CliIO): Promise<number> {
  const print = (line: string) => io.stdout.write(`${line}\n`);
  const log = cliLogger(a.logLevel, io.stderr, io.env);
  const passphrase = randomBytes(24).toString('base64');
  const startedAt = Date.now();
  const stateDir = await mkdtemp(join(tmpdir(), 'wherez-demo-'));
  const closers: Array<() => Promise<void>> = [() => rm(stateDir, { recursive: true, force: true })];
  try {
    // One key ring for the siblings and the daemon: they share the passphrase, so one scrypt per
    // epoch serves all of them (a ring each would run 1 + siblings derivations at once). It
    // starts first: the derivation (seconds, by design) runs while the DHT and siblings start.
    const keys = new KeyRing({ log: log.child({ component: 'keys' }) });
    closers.push(async () => { keys.close(); });
    const derived = new Promise<number>((resolve) => { keys.once('keys', () => resolve(Date.now() - startedAt)); });
    keys.add(DEMO_LABEL, passwordBytes(passphrase)!);
    keys.start();
    const net = await startTestnet({ nodes: DEMO_DHT_NODES, host: '127.0.0.1' });
    closers.push(() => net.close());
    const bootstrap = `${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}`;
    const hosts = Array.from({ length: a.siblings }, (_, i) => siblingHost(i));
    for (const host of hosts) {
      const s = await startSibling(host, Buffer.from(passphrase), net, keys, log);
      closers.push(s.close);
    }
    const { config } = await parseConfig(demoYaml(a, stateDir, bootstrap), {
      file: '(demo)', baseDir: stateDir, env: { [PASSPHRASE_ENV]: passphrase },
    });
    const daemon = new Daemon(config, { log, keys });
    closers.push(() => daemon.close());
    const found = new Set<string>();
    const all = new Promise<void>((resolve) => {
      if (hosts.length === 0) resolve();
      daemon.events.on('peer', (_label, p) => {
        print(`peer found: ${formatEndpoint(p)} (verified after ${seconds(Date.now() - startedAt)}, now served)`);
        found.add(p.host);
        if (hosts.every((h) => found.has(h))) resolve();
      });
    });
    await daemon.start();
    const dns = daemon.dnsEndpoints[0]!;
    const statusUrl = `http://${config.metrics!.host}:${daemon.adminPort}`;
    print(`wherez demo: private DHT of ${net.size} nodes on 127.0.0.1; ${hosts.length} siblings (${hosts.join(', ')}) announce port ${DEMO_APP_PORT} under a random passphrase`);
    print(`serving DNS on ${formatEndpoint(dns)}, status on ${statusUrl}; discovering...`);
    void derived.then((ms) => print(`v2 rendezvous key derived after ${seconds(ms)} (scrypt, slow on purpose: once a UTC day per zone); looking up the siblings...`));
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { deadline = setTimeout(resolve, DEMO_FIND_DEADLINE_MS); });
    const aborted = new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([all, late, aborted]);
    clearTimeout(deadline);
    if (!io.signal.aborted) {
      if (found.size < hosts.length) print(`only ${found.size} of ${hosts.length} siblings verified so far; discovery keeps going`);
      for (const l of tryLines(dns.host, dns.port, statusUrl, hosts)) print(l);
      await aborted;
    }
    return 0;
  } finally {
    for (const close of closers.reverse()) await close();
  }
}
