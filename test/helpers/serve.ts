import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type Running } from './cli.js';

export interface ServeNode {
  host: string;
  port: number;
  /** Port of the metrics/status endpoint, when the spec asked for one. */
  metricsPort?: number;
  proc: Running;
  dir: string;
  stop(): Promise<number | null>;
}

export interface ServeSpec {
  host: string;
  bootstrap: string;
  passphrase: string;
  announce?: number;
  ttl?: number;
  /** DNS port; 0 picks one (read back from the "serving" line). */
  dnsPort?: number;
  forward?: boolean;
  upstreams?: string[];
  extra?: string;
  /** Serve /metrics and /status on this host (port 0). */
  metrics?: boolean;
  /** Run inside this network namespace. */
  netns?: string;
  /**
   * The zone's discovery protocol. Default v1 here: these daemon tests are about DNS and stage
   * v1 impostors; the v2 daemon tests (serve-v2.test.ts) ask for v2.
   */
  protocol?: 'v1' | 'v2' | 'both';
}

/** Starts a real `wherez serve` process with a config of its own in a temp dir. */
export async function startServe(s: ServeSpec): Promise<ServeNode> {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-serve-'));
  await writeFile(join(dir, 'ldap.key'), `${s.passphrase}\n`, { mode: 0o600 });
  const yaml = [
    `listen: ["${s.host}:${s.dnsPort ?? 0}"]`,
    'domain: local',
    `forward: ${s.forward ?? false}`,
    ...(s.upstreams ? [`upstreams: [${s.upstreams.map((u) => `"${u}"`).join(', ')}]`] : []),
    'allow: ["127.0.0.0/8", "::1/128"]',
    'state_dir: ./state',
    `log_level: ${process.env.WHEREZ_TEST_LOG_LEVEL ?? 'warn'}`,
    ...(s.metrics ? [`metrics: "${s.host}:0"`] : []),
    'dht:',
    `  bind: ${s.host}`,
    '  port: 0',
    `  bootstrap: ["${s.bootstrap}"]`,
    'zones:',
    '  ldap:',
    '    passphrase_file: ldap.key',
    ...(s.announce !== undefined ? [`    announce: ${s.announce}`, '    auth_port: 0'] : []),
    `    ttl: ${s.ttl ?? 2}`,
    '    min_peers: 2',
    `    protocol: ${s.protocol ?? 'v1'}`,
    s.extra ?? '',
  ].join('\n');
  await writeFile(join(dir, 'zones.yaml'), yaml);
  const proc = runCli(['serve', '--config', join(dir, 'zones.yaml')], {}, s.netns);
  // Generous: module loading alone takes ~4 s on the shared, loaded CI machine.
  // A daemon that never says it serves is stopped here: the caller never gets it to stop, and a
  // live child would keep the test file running until its timeout.
  const [line, port] = await proc.line(/^wherez serving .*? on [^ ]+:(\d+) .*$/, 20_000).catch(async (e: unknown) => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
    throw e;
  });
  const metricsPort = /metrics on [^ ]+:(\d+)/.exec(line ?? '')?.[1];
  return {
    host: s.host, port: Number(port), metricsPort: metricsPort ? Number(metricsPort) : undefined, proc, dir,
    async stop() {
      const code = await proc.stop();
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}
