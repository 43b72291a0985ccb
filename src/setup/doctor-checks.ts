/**
 * `wherez doctor`'s verdicts (pure): what each probe saw in, one line per check out, with the fix
 * for a failure. The probes (sockets, the system resolver) live in doctor-probes.ts.
 */
import type { Config } from '../config/types.js';
import type { DaemonStatus } from '../daemon.js';
import { formatEndpoint, type Endpoint } from '../net/endpoint.js';
import { recipe, type SetupTarget } from './recipes.js';

export interface Check {
  ok: boolean;
  /** What was checked and what was seen, one line. */
  line: string;
  /** For a failure: what to do about it. */
  fix?: string;
}

/** What a probe saw: a value, or the error (code or message) it ended with. */
export type Seen<T> = { value: T } | { error: string };

const pass = (line: string): Check => ({ ok: true, line });
const fail = (line: string, fix: string): Check => ({ ok: false, line, fix });

/** The `--config` part of a suggested command. */
const configArg = (file: string | undefined) => (file === undefined ? '' : ` --config ${file}`);

/**
 * The `wherez setup` commands that would point this system's resolver at wherez: the ones whose
 * recipe this config can use (resolv-conf needs port 53 and forwarding), for this platform.
 */
export function setupFix(c: Pick<Config, 'listen' | 'domain' | 'forward'>, file: string | undefined, platform: NodeJS.Platform): string {
  const targets: SetupTarget[] = platform === 'darwin' ? ['resolver'] : ['resolved', 'resolv-conf'];
  const usable = targets.filter((t) => !('error' in recipe(t, c)));
  if (usable.length === 0) {
    const r = recipe(targets[0]!, c);
    return 'error' in r ? r.error : '';
  }
  return `point the system resolver at wherez: ${usable.map((t) => `wherez setup ${t}${configArg(file)} --apply`).join(', or ')} (docs/operations.md, "Pointing resolvers at it")`;
}

/** The fix of a system resolver path while wherez's own listener does not answer: pointing the system at it cannot help yet. */
export const LISTENER_FIRST = 'wherez does not answer on its own listener (above): fix that first, then run wherez doctor again';

/** The daemon's /status endpoint answered. */
export function statusCheck(url: string, seen: Seen<DaemonStatus>, file: string | undefined): Check {
  if ('value' in seen) return pass(`status endpoint ${url} answers`);
  return fail(`status endpoint ${url}: ${seen.error}`,
    `start the daemon (wherez serve${configArg(file)}, or systemctl start wherez) with metrics: "127.0.0.1:9153" in its config, or pass --url`);
}

/** The DHT node knows other nodes (a standalone node with no bootstrap never does). */
export function dhtCheck(s: DaemonStatus, c: Pick<Config, 'dht'>): Check {
  if (s.dht.nodes > 0) return pass(`dht: udp port ${s.dht.port}, ${s.dht.nodes} nodes`);
  const boot = c.dht.bootstrap.length === 0 ? 'dht.bootstrap is empty (a standalone node): list reachable DHT nodes there' : `check that ${c.dht.bootstrap.map(formatEndpoint).join(', ')} can be reached`;
  return fail(`dht: udp port ${s.dht.port}, no nodes`, `${boot}, and that UDP port ${s.dht.port} is open in the firewall`);
}

/** wherez's facts in a zone's TXT (`peers=N`, `stale=S`); nothing when another server answered. */
export const wherezFacts = (strings: readonly string[]): string[] => strings.filter((s) => /^(peers|stale)=/.test(s));

/** The DNS listener itself answered `question` (a zone's TXT with wherez's facts, or ns A): wherez is up there. */
export function listenerCheck(ep: Endpoint, question: string, seen: Seen<string[]>, file: string | undefined): Check {
  const at = formatEndpoint(ep);
  if ('value' in seen) return pass(`dns listener ${at} answers ${question}: ${seen.value.join(' ') || '(no records)'}`);
  return fail(`dns listener ${at}, ${question}: ${seen.error}`, `is wherez serve running with listen: ["${at}"]? (wherez check${configArg(file)}; wherez status)`);
}

/**
 * A system resolver path (getaddrinfo through libc/nss, or res_query through resolv.conf's
 * servers) reached wherez: it got the answer the listener gives.
 */
export function systemPathCheck(path: string, name: string, want: readonly string[], seen: Seen<string[]>, fix: string): Check {
  if ('value' in seen) {
    const got = [...seen.value].sort();
    if (want.length === 0 ? got.length > 0 : got.join(' ') === [...want].sort().join(' ')) return pass(`${path}: ${name} -> ${got.join(' ')} (from wherez)`);
    return fail(`${path}: ${name} -> ${got.join(' ') || 'nothing'}, but wherez answers ${want.join(' ') || 'records'}: another server answered`, fix);
  }
  return fail(`${path}: ${name}: ${seen.error} (the system resolver does not reach wherez for this name)`, fix);
}

/** A zone's auth port took a TCP connection from the bind address: peers can verify this node. */
export function authCheck(label: string, ep: Endpoint, seen: Seen<true>): Check {
  const at = formatEndpoint(ep);
  if ('value' in seen) return pass(`zone ${label}: auth port ${at} reachable (tcp)`);
  const firewall = `open TCP port ${ep.port} (zone ${label}'s auth_port) in the firewall: peers verify this node there, and without it no one lists it`;
  // Refused: most often nothing listens (the daemon is down, or the zone did not start); a firewall rule that rejects looks the same.
  const fix = seen.error.includes('ECONNREFUSED')
    ? `nothing accepted the connection: is wherez serve running with zone ${label} (wherez status; its log says why a zone did not start)? If it is, ${firewall}`
    : firewall;
  return fail(`zone ${label}: auth port ${at}: ${seen.error}`, fix);
}

/** The report: one line per check, each failure followed by its fix. */
export function formatChecks(checks: readonly Check[]): string {
  const out = checks.map((c) => (c.ok ? `ok    ${c.line}` : `FAIL  ${c.line}\n      fix: ${c.fix ?? ''}`));
  const failed = checks.filter((c) => !c.ok).length;
  out.push(failed === 0 ? `all ${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`);
  return `${out.join('\n')}\n`;
}
