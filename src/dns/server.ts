/**
 * The DNS server: UDP and TCP on every listen endpoint (same port on both), one responder behind
 * them. `start()` binds everything or nothing and resolves the bound addresses (port 0 gets a real
 * port, shared by UDP and TCP); `close()` is idempotent. Omitted options take the configuration's
 * defaults (config/schema.ts DEFAULTS), so the library and `wherez serve` behave alike.
 */
import { networkInterfaces } from 'node:os';
import { listenError, wherezError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { DEFAULTS } from '../config/schema.js';
import { canonicalIp, formatEndpoint, reachesListener, type Endpoint } from '../net/endpoint.js';
import { createAllowCheck } from './allow.js';
import { isDeepStrictEqual } from 'node:util';
import { createForwarder, FORWARD_DEADLINE_MS, type Forwarder } from './forward.js';
import { isValidName, zoneName } from './names.js';
import { createResponder } from './responder.js';
import { createCounters, snapshotCounters, type DnsCounters } from './stats.js';
import { listenTcp, TCP_IDLE_TIMEOUT_MS, TCP_MAX_CONNECTIONS, TCP_MAX_CONNECTIONS_PER_IP, TCP_MAX_CONNECTIONS_PER_PREFIX, TCP_QUERY_DEADLINE_MS,
  type TcpListener } from './tcp.js';
import { bindUdp, type UdpListener } from './udp.js';
import { parseIp, type IpAddr } from './ip.js';
import type { ZoneLookup, ZoneService } from './zone-view.js';

export type { DnsCounters } from './stats.js';
export type { Endpoint } from '../net/endpoint.js';
export type { ZoneLookup, ZoneSnapshot, ZonePeer, ZoneService } from './zone-view.js';

/** A replaced forwarder lives this long past its exchange deadline, so late answers still reach clients. */
const FORWARD_DRAIN_SLACK_MS = 500;
/** Tries to find a port free for both UDP and TCP when asked for port 0. */
const EPHEMERAL_BIND_ATTEMPTS = 20;

export interface DnsServerOptions {
  /** UDP and TCP listeners; port 0 picks a free port (the same for both). */
  listen: readonly Endpoint[];
  /** Names live under `_wherez.<domain>`; default `local`. */
  domain?: string;
  /** A zone's snapshot by label; called per query, so it must be cheap (a map lookup). */
  lookup: ZoneLookup;
  /** The configured labels, called per query: a reload takes effect at once. */
  labels: () => readonly string[];
  /**
   * Service and proto per zone for the RFC 2782 / DNS-SD names, called per query; return the same
   * array until it changes. Absent: each label that is an RFC 6335 service name serves `_<label>._tcp`.
   */
  services?: () => readonly ZoneService[];
  /** Also serve `h-<address>.<hostDomain>` (underscore-free) and use those names as SRV targets. */
  hostDomain?: string;
  /** Forward names outside the zone to `upstreams` (default true, as in the config; none given: SERVFAIL); false answers them REFUSED. */
  forward?: boolean;
  upstreams?: readonly Endpoint[];
  /** Client CIDRs allowed to query; default loopback only. Others get REFUSED. */
  allow?: readonly string[];
  /** Negative answer TTL and SOA minimum, seconds (default 5). */
  negativeTtl?: number;
  /** No TTL exceeds this, seconds (default 300); also caps the forward cache. */
  maxTtl?: number;
  /** Clock, ms since epoch (default Date.now); drives TTLs and cache ageing. */
  now?: () => number;
  /** Used as given: pass a child logger (`log.child({ component: 'dns' })`). */
  log?: Logger;
  tcpIdleTimeoutMs?: number;
  /** A started TCP query must arrive whole within this (not reset by each byte). */
  tcpQueryDeadlineMs?: number;
  maxTcpConnections?: number;
  /** TCP slots one source address, and one /24 or /56, may hold. */
  maxTcpConnectionsPerIp?: number;
  maxTcpConnectionsPerPrefix?: number;
  forwardAttemptTimeoutMs?: number;
  forwardDeadlineMs?: number;
  forwardCacheEntries?: number;
}

/** A bound listen endpoint: UDP and TCP both on `host:port`. */
export interface BoundEndpoint {
  host: string;
  port: number;
}

/** What a running server can change without a restart (SIGHUP): everything but domain and host names. */
export type DnsReloadable = Pick<DnsServerOptions, 'listen' | 'forward' | 'upstreams' | 'allow' | 'negativeTtl' | 'maxTtl'>;

export interface DnsServer {
  start(): Promise<readonly BoundEndpoint[]>;
  /**
   * Applies new settings without dropping a query: new endpoints are bound first (a failure
   * changes nothing and rejects), the responder is swapped between two packets, removed endpoints
   * close last, and a replaced forwarder finishes its exchanges in flight before it closes.
   */
  reconfigure(next: DnsReloadable): Promise<readonly BoundEndpoint[]>;
  close(): Promise<void>;
  /** A copy of the counters. */
  stats(): DnsCounters;
}

/** A wildcard listener is reached on loopback by the resolver on the same host (the usual setup). */
const WILDCARD_GLUE: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

/** The addresses the apex NS glue gives: our listeners, each once. */
export function glueAddresses(bound: readonly BoundEndpoint[]): IpAddr[] {
  const out = new Map<string, IpAddr>();
  for (const b of bound) {
    const ip = parseIp(WILDCARD_GLUE[b.host] ?? b.host);
    if (ip) out.set(ip.label, ip);
  }
  return [...out.values()];
}

/** True when sending to `up` would reach one of our own listeners: a one-hop forwarding loop. */
function isOwnEndpoint(up: Endpoint, bound: readonly BoundEndpoint[]): boolean {
  const local = new Set(Object.values(networkInterfaces()).flat().flatMap((i) => (i ? [canonicalIp(i.address)] : [])));
  return bound.some((b) => reachesListener(up, b, local));
}

export function createDnsServer(opts: DnsServerOptions): DnsServer {
  const zone = zoneName(opts.domain ?? DEFAULTS.domain);
  if (!zone) throw wherezError('WHEREZ_ARGUMENT', `domain "${opts.domain}" cannot carry _wherez.<domain> names`);
  const hostZone = opts.hostDomain?.toLowerCase().replace(/\.$/, '');
  if (hostZone !== undefined && (!isValidName(hostZone) || hostZone.includes('_'))) {
    throw wherezError('WHEREZ_ARGUMENT', `hostDomain "${opts.hostDomain}" is not an underscore-free DNS name`);
  }
  const log = opts.log ?? silentLogger();
  const counters = createCounters();
  const now = opts.now ?? Date.now;
  const tcpOpts = { idleTimeoutMs: opts.tcpIdleTimeoutMs ?? TCP_IDLE_TIMEOUT_MS, queryDeadlineMs: opts.tcpQueryDeadlineMs ?? TCP_QUERY_DEADLINE_MS,
    maxConnections: opts.maxTcpConnections ?? TCP_MAX_CONNECTIONS, maxConnectionsPerIp: opts.maxTcpConnectionsPerIp ?? TCP_MAX_CONNECTIONS_PER_IP,
    maxConnectionsPerPrefix: opts.maxTcpConnectionsPerPrefix ?? TCP_MAX_CONNECTIONS_PER_PREFIX, log, counters };
  /** Bound endpoints by `host:port` as bound, with the port they were asked for (0 = any). */
  const endpoints = new Map<string, { asked: number; bound: BoundEndpoint; listeners: (UdpListener | TcpListener)[] }>();
  /** The entry serving `ep`: the same address and port, or for port 0, an entry that asked for 0. */
  const keyOf = (ep: Endpoint): string | undefined => {
    if (ep.port !== 0) return endpoints.has(fmt(ep.host, ep.port)) ? fmt(ep.host, ep.port) : undefined;
    for (const [k, e] of endpoints) if (e.asked === 0 && e.bound.host === ep.host) return k;
    return undefined;
  };
  let settings: DnsReloadable = opts;
  let forwarder: Forwarder | undefined;
  let starting: Promise<readonly BoundEndpoint[]> | undefined;
  let closed = false;

  const responderRef: { respond: ReturnType<typeof createResponder> | undefined } = { respond: undefined };
  // Sockets exist before the forwarder (it must know our bound addresses); they are not read until start resolves.
  const respond: ReturnType<typeof createResponder> = (msg, client) =>
    responderRef.respond ? responderRef.respond(msg, client) : null;

  async function bindEndpoint(ep: Endpoint): Promise<{ asked: number; bound: BoundEndpoint; listeners: (UdpListener | TcpListener)[] }> {
    for (let attempt = 1; ; attempt++) {
      let udp: UdpListener;
      try {
        udp = await bindUdp(ep.host, ep.port, respond, log);
      } catch (err) {
        throw listenError(err as NodeJS.ErrnoException, `udp ${fmt(ep.host, ep.port)}`);
      }
      try {
        const tcp = await listenTcp(ep.host, udp.port, respond, tcpOpts);
        return { asked: ep.port, bound: { host: ep.host, port: udp.port }, listeners: [udp, tcp] };
      } catch (err) {
        await udp.close();
        const e = err as NodeJS.ErrnoException;
        // Port 0: the kernel picked a UDP port whose TCP twin is taken; pick again.
        if (ep.port === 0 && e.code === 'EADDRINUSE' && attempt < EPHEMERAL_BIND_ATTEMPTS) continue;
        throw listenError(e, `tcp ${fmt(ep.host, udp.port)}`);
      }
    }
  }

  /** Binds the endpoints of `listen` not bound yet; on a failure closes those it bound and rethrows. */
  async function bindMissing(listen: readonly Endpoint[]): Promise<void> {
    const added: string[] = [];
    try {
      for (const ep of listen) {
        if (keyOf(ep) !== undefined) continue;
        const e = await bindEndpoint(ep);
        endpoints.set(fmt(e.bound.host, e.bound.port), e);
        added.push(fmt(e.bound.host, e.bound.port));
      }
    } catch (err) {
      await Promise.all(added.flatMap((k) => { const e = endpoints.get(k); endpoints.delete(k); return e ? e.listeners.map((l) => l.close()) : []; }));
      throw err;
    }
  }

  // The listeners matter too: an upstream that is one of our own endpoints is filtered out.
  const forwardSettings = (s: DnsReloadable) => ({ forward: s.forward ?? DEFAULTS.forward, upstreams: s.upstreams ?? [], maxTtl: s.maxTtl ?? DEFAULTS.max_ttl, listen: s.listen });

  /** Builds the forwarder (unless unchanged) and responder for `s` and swaps them in. */
  function install(s: DnsReloadable, bound: readonly BoundEndpoint[], prev: DnsReloadable | undefined): void {
    const maxTtl = s.maxTtl ?? DEFAULTS.max_ttl;
    const old = forwarder;
    const keepForwarder = prev !== undefined && isDeepStrictEqual(forwardSettings(prev), forwardSettings(s));
    if (!keepForwarder) forwarder = (s.forward ?? DEFAULTS.forward) ? makeForwarder(s, bound, maxTtl) : undefined;
    responderRef.respond = createResponder({ zone: zone as string, lookup: opts.lookup, labels: opts.labels, services: opts.services,
      hostZone, nsAddresses: glueAddresses(bound), forwarder, allow: createAllowCheck(s.allow ?? DEFAULTS.allow),
      negativeTtl: s.negativeTtl ?? DEFAULTS.negative_ttl, maxTtl, now, log, counters });
    settings = s;
    // Exchanges in flight on the old forwarder still answer their clients; close it after its deadline.
    if (!keepForwarder && old) setTimeout(() => old.close(), (opts.forwardDeadlineMs ?? FORWARD_DEADLINE_MS) + FORWARD_DRAIN_SLACK_MS).unref();
  }

  function makeForwarder(s: DnsReloadable, bound: readonly BoundEndpoint[], maxTtl: number): Forwarder {
    const upstreams = (s.upstreams ?? []).filter((up) => {
      const own = isOwnEndpoint(up, bound);
      if (own) log.warn({ upstream: fmt(up.host, up.port) }, 'upstream is this server itself; not forwarding to it');
      return !own;
    });
    if (upstreams.length === 0) log.warn('forwarding is on but no usable upstream: names outside the zone get SERVFAIL');
    return createForwarder({ upstreams, now, maxTtl, log, counters, attemptTimeoutMs: opts.forwardAttemptTimeoutMs,
      deadlineMs: opts.forwardDeadlineMs, cacheEntries: opts.forwardCacheEntries });
  }

  const boundOf = (listen: readonly Endpoint[]) => listen.map((ep) => (endpoints.get(keyOf(ep) as string) as { bound: BoundEndpoint }).bound);

  async function doStart(): Promise<readonly BoundEndpoint[]> {
    try {
      await bindMissing(opts.listen);
    } catch (err) {
      await closeListeners();
      throw err;
    }
    const bound = boundOf(opts.listen);
    install(opts, bound, undefined);
    log.info({ listen: bound.map((b) => fmt(b.host, b.port)), zone, forward: Boolean(forwarder) }, 'dns server listening');
    return bound;
  }

  async function doReconfigure(next: DnsReloadable): Promise<readonly BoundEndpoint[]> {
    await bindMissing(next.listen);
    const bound = boundOf(next.listen);
    install(next, bound, settings);
    const keep = new Set(next.listen.map(keyOf));
    const gone = [...endpoints.keys()].filter((k) => !keep.has(k));
    await Promise.all(gone.flatMap((k) => { const e = endpoints.get(k); endpoints.delete(k); return e ? e.listeners.map((l) => l.close()) : []; }));
    log.info({ listen: bound.map((b) => fmt(b.host, b.port)), forward: Boolean(forwarder) }, 'dns settings reloaded');
    return bound;
  }

  async function closeListeners(): Promise<void> {
    const all = [...endpoints.values()].flatMap((e) => e.listeners);
    endpoints.clear();
    await Promise.all(all.map((l) => l.close()));
  }

  let reconfiguring: Promise<unknown> = Promise.resolve();

  return {
    start() {
      if (closed) return Promise.reject(wherezError('WHEREZ_CLOSED', 'the DNS server was closed'));
      starting ??= doStart();
      return starting;
    },
    reconfigure(next) {
      if (closed || !starting) return Promise.reject(wherezError('WHEREZ_CLOSED', 'the DNS server is not running'));
      const run = reconfiguring.then(() => starting).then(() => doReconfigure(next));
      reconfiguring = run.catch(() => undefined);
      return run;
    },
    async close() {
      if (closed) return;
      closed = true;
      await starting?.catch(() => undefined);
      await reconfiguring;
      forwarder?.close();
      responderRef.respond = undefined;
      await closeListeners();
    },
    stats: () => snapshotCounters(counters),
  };
}

function fmt(host: string, port: number): string {
  return formatEndpoint({ host, port });
}
