import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { DaemonStatus } from '../daemon.js';
import { wherezError } from '../errors.js';
import { formatEndpoint, reachableHost } from '../net/endpoint.js';
import type { CliIO } from './io.js';

const FETCH_TIMEOUT_MS = 3000;
/** The config `wherez serve` reads by default. */
export const DEFAULT_CONFIG_PATH = '/etc/wherez/zones.yaml';
/** Where the example config (and `wherez demo`) put the metrics endpoint. */
export const DEFAULT_STATUS_URL = 'http://127.0.0.1:9153';

/**
 * The status URL: --url; else the `metrics` key of --config; else of the default config when it
 * exists; else the default endpoint, so a bare `wherez status` finds a demo or example daemon.
 */
export async function statusUrl(a: { url?: string; config?: string }, io: Pick<CliIO, 'env'>): Promise<string> {
  if (a.url) return `${a.url.replace(/\/+$/, '')}/status`;
  const file = a.config ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  if (file === undefined) return `${DEFAULT_STATUS_URL}/status`;
  // Only the metrics address is needed: passphrase files may be readable by the service alone.
  const { config } = await loadConfig(file, { env: io.env, readSecrets: false });
  if (!config.metrics) throw wherezError('WHEREZ_ARGUMENT', `${file} sets no "metrics" endpoint: add metrics: "127.0.0.1:9153" (and restart), or pass --url`);
  const { host, port } = config.metrics;
  return `http://${formatEndpoint({ host: reachableHost(host), port })}/status`;
}

export function formatStatus(s: DaemonStatus, now: number): string {
  const out: string[] = [];
  for (const z of s.zones) {
    const role = z.announce === undefined ? 'discover only' : `announcing ${z.announce}, auth port ${z.authPort}`;
    out.push(`zone ${z.label} (${z.name}): ${z.peers.length} peer${z.peers.length === 1 ? '' : 's'}, ${role}${z.stale ? ', STALE (discovery down)' : ''}`);
    for (const p of z.peers) out.push(`  ${formatEndpoint(p)}  next check in ${Math.max(0, Math.round((p.expiresAt - now) / 1000))} s`);
    const f = Object.entries(z.discovery.failures).map(([k, v]) => `${k} ${v}`).join(', ');
    out.push(`  lookups ${z.discovery.lookups}, probes ${z.discovery.probes}, lost ${z.discovery.lost}${f ? `, failures: ${f}` : ''}`);
    // Older daemons report no protocol; they speak v1.
    const protocol = z.protocol ?? 'v1';
    if (z.v2) {
      const unattested = z.v2.listener.v2Unattested;
      out.push(`  protocol ${protocol}, attests ${z.v2.attested.join(' ') || 'NOTHING (members will not list this node)'}` +
        `${unattested > 0 ? `; ${unattested} member dial${unattested === 1 ? '' : 's'} to an address it does not attest (set external_addresses?)` : ''}`);
    } else {
      out.push(`  protocol ${protocol}`);
    }
  }
  if (s.zones.length === 0) out.push('no zones');
  out.push(`dht: port ${s.dht.port}, ${s.dht.nodes} nodes`);
  if (s.dns) out.push(`dns: ${s.dns.queries} queries, ${Object.entries(s.dns.rcodes).map(([k, v]) => `${k} ${v}`).join(', ') || 'no replies yet'}`);
  return `${out.join('\n')}\n`;
}

/** GET a daemon's /status (rejects on a network error, a timeout or a non-2xx reply). */
export async function fetchStatus(url: string): Promise<DaemonStatus> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return await res.json() as DaemonStatus;
}

/** `wherez status`: asks a running daemon's /status endpoint and prints it. */
export async function runStatus(a: { url?: string; config?: string; json: boolean }, io: CliIO): Promise<number> {
  const url = await statusUrl(a, io);
  let body: DaemonStatus;
  try {
    body = await fetchStatus(url);
  } catch (err) {
    io.stderr.write(`cannot read ${url}: ${(err as Error).message} (is wherez serve running with "metrics" set?)\n`);
    return 1;
  }
  io.stdout.write(a.json ? `${JSON.stringify(body, null, 2)}\n` : formatStatus(body, Date.now()));
  return 0;
}
