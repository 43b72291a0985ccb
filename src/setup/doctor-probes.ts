/**
 * `wherez doctor`'s probes, the sockets at the edge: each asks one thing of the network or of the
 * system resolver and returns what it saw (a value or an error code), never throwing.
 * The verdicts are in doctor-checks.ts.
 */
import { promises as dns } from 'node:dns';
import { connect } from 'node:net';
import { formatEndpoint, isWildcard, type Endpoint } from '../net/endpoint.js';
import type { Seen } from './doctor-checks.js';

/** Per probe; the system resolver's own timeouts (resolv.conf `options timeout:`) may end it sooner. */
const PROBE_TIMEOUT_MS = 5000;

const errorOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

async function seen<T>(p: Promise<T>): Promise<Seen<T>> {
  try { return { value: await p }; } catch (err) { return { error: errorOf(err) }; }
}

/** Bounded: getaddrinfo cannot be cancelled, but doctor need not wait for it. */
function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s (${what})`)), PROBE_TIMEOUT_MS); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** A resolver on the given server (c-ares), or on the system's (resolv.conf's nameservers, the res_query path). */
function resolver(server?: Endpoint): dns.Resolver {
  const r = new dns.Resolver({ timeout: PROBE_TIMEOUT_MS, tries: 1 });
  if (server) r.setServers([formatEndpoint(server)]);
  return r;
}

/** TXT strings of `name`, from `server` or the system's servers. */
export function txt(name: string, server?: Endpoint): Promise<Seen<string[]>> {
  return seen(bounded(resolver(server).resolveTxt(name).then((rs) => rs.flat()), 'TXT'));
}

/** IPv4 and IPv6 addresses of `name` asked of `server` directly. */
export function addressesAt(name: string, server: Endpoint): Promise<Seen<string[]>> {
  const r = resolver(server);
  const none = (err: unknown): string[] => { if (errorOf(err) === 'ENODATA') return []; throw err; };
  return seen(bounded(Promise.all([r.resolve4(name).catch(none), r.resolve6(name).catch(none)]).then(([a, b]) => [...a, ...b]), 'A/AAAA'));
}

/** Addresses of `name` through getaddrinfo (libc, nss: /etc/hosts, systemd-resolved, resolv.conf). */
export function getaddrinfo(name: string): Promise<Seen<string[]>> {
  return seen(bounded(dns.lookup(name, { all: true }).then((as) => as.map((a) => a.address)), 'getaddrinfo'));
}

/** A TCP connection to `to`, from `from` (the address the daemon binds) unless that is a wildcard. */
export function tcpReach(to: Endpoint, from: string): Promise<Seen<true>> {
  return seen(new Promise<true>((resolve, reject) => {
    const s = connect({ host: to.host, port: to.port, ...(isWildcard(from) ? {} : { localAddress: from }), timeout: PROBE_TIMEOUT_MS });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('timeout', () => { s.destroy(); reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)); });
    s.once('error', reject);
  }));
}
