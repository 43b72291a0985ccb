/**
 * The DNS server: UDP and TCP on every listen endpoint (same port on both), one responder behind
 * them. `start()` binds everything or nothing and resolves the bound addresses (port 0 gets a real
 * port, shared by UDP and TCP); `close()` is idempotent. Omitted options take the configuration's
 * defaults (config/schema.ts DEFAULTS), so the library and `wherez serve` behave alike.
 */
import { networkInterfaces } from 'node:os';
import net from 'node:net';
import type { Endpoint } from '../config/types.js';
import { listenError, wherezError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { DEFAULTS } from '../config/schema.js';
import { canonicalIp, reachesListener } from '../config/endpoints.js';
import { createAllowCheck } from './allow.js';
import { createForwarder, type Forwarder } from './forward.js';
import { isValidName, zoneName } from './names.js';
import { createResponder } from './responder.js';
import { createCounters, snapshotCounters, type DnsCounters } from './stats.js';
import { listenTcp, TCP_IDLE_TIMEOUT_MS, TCP_MAX_CONNECTIONS, TCP_MAX_CONNECTIONS_PER_IP, TCP_MAX_CONNECTIONS_PER_PREFIX, TCP_QUERY_DEADLINE_MS,
  type TcpListener } from './tcp.js';
import { bindUdp, type UdpListener } from './udp.js';
import { parseIp, type IpAddr } from './ip.js';
import type { ZoneLookup, ZoneService } from './zone-view.js';

export type { DnsCounters } from './stats.js';
export type { Endpoint } from '../config/types.js';
export type { ZoneLookup, ZoneSnapshot, ZonePeer, ZoneService } from './zone-view.js';

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

export interface DnsServer {
  start(): Promise<readonly BoundEndpoint[]>;
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
  const allow = createAllowCheck(opts.allow ?? DEFAULTS.allow);
  const log = opts.log ?? silentLogger();
  const counters = createCounters();
  const now = opts.now ?? Date.now;
  const maxTtl = opts.maxTtl ?? DEFAULTS.max_ttl;
  const tcpOpts = { idleTimeoutMs: opts.tcpIdleTimeoutMs ?? TCP_IDLE_TIMEOUT_MS, queryDeadlineMs: opts.tcpQueryDeadlineMs ?? TCP_QUERY_DEADLINE_MS,
    maxConnections: opts.maxTcpConnections ?? TCP_MAX_CONNECTIONS, maxConnectionsPerIp: opts.maxTcpConnectionsPerIp ?? TCP_MAX_CONNECTIONS_PER_IP,
    maxConnectionsPerPrefix: opts.maxTcpConnectionsPerPrefix ?? TCP_MAX_CONNECTIONS_PER_PREFIX, log, counters };
  const listeners: (UdpListener | TcpListener)[] = [];
  let forwarder: Forwarder | undefined;
  let starting: Promise<readonly BoundEndpoint[]> | undefined;
  let closed = false;

  const responderRef: { respond: ReturnType<typeof createResponder> | undefined } = { respond: undefined };
  // Sockets exist before the forwarder (it must know our bound addresses); they are not read until start resolves.
  const respond: ReturnType<typeof createResponder> = (msg, client) =>
    responderRef.respond ? responderRef.respond(msg, client) : null;

  async function bindEndpoint(ep: Endpoint): Promise<BoundEndpoint> {
    for (let attempt = 1; ; attempt++) {
      let udp: UdpListener;
      try {
        udp = await bindUdp(ep.host, ep.port, respond, log);
      } catch (err) {
        throw listenError(err as NodeJS.ErrnoException, `udp ${fmt(ep.host, ep.port)}`);
      }
      try {
        listeners.push(udp, await listenTcp(ep.host, udp.port, respond, tcpOpts));
        return { host: ep.host, port: udp.port };
      } catch (err) {
        await udp.close();
        const e = err as NodeJS.ErrnoException;
        // Port 0: the kernel picked a UDP port whose TCP twin is taken; pick again.
        if (ep.port === 0 && e.code === 'EADDRINUSE' && attempt < EPHEMERAL_BIND_ATTEMPTS) continue;
        throw listenError(e, `tcp ${fmt(ep.host, udp.port)}`);
      }
    }
  }

  async function doStart(): Promise<readonly BoundEndpoint[]> {
    const bound: BoundEndpoint[] = [];
    try {
      for (const ep of opts.listen) bound.push(await bindEndpoint(ep));
    } catch (err) {
      await closeListeners();
      throw err;
    }
    if (opts.forward ?? DEFAULTS.forward) {
      const upstreams = (opts.upstreams ?? []).filter((up) => {
        const own = isOwnEndpoint(up, bound);
        if (own) log.warn({ upstream: fmt(up.host, up.port) }, 'upstream is this server itself; not forwarding to it');
        return !own;
      });
      if (upstreams.length === 0) log.warn('forwarding is on but no usable upstream: names outside the zone get SERVFAIL');
      forwarder = createForwarder({ upstreams, now, maxTtl, log, counters, attemptTimeoutMs: opts.forwardAttemptTimeoutMs,
        deadlineMs: opts.forwardDeadlineMs, cacheEntries: opts.forwardCacheEntries });
    }
    responderRef.respond = createResponder({ zone: zone as string, lookup: opts.lookup, labels: opts.labels, services: opts.services,
      hostZone, nsAddresses: glueAddresses(bound), forwarder, allow,
      negativeTtl: opts.negativeTtl ?? DEFAULTS.negative_ttl, maxTtl, now, log, counters });
    log.info({ listen: bound.map((b) => fmt(b.host, b.port)), zone, forward: Boolean(forwarder) }, 'dns server listening');
    return bound;
  }

  async function closeListeners(): Promise<void> {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  }

  return {
    start() {
      if (closed) return Promise.reject(wherezError('WHEREZ_CLOSED', 'the DNS server was closed'));
      starting ??= doStart();
      return starting;
    },
    async close() {
      if (closed) return;
      closed = true;
      await starting?.catch(() => undefined);
      forwarder?.close();
      responderRef.respond = undefined;
      await closeListeners();
    },
    stats: () => snapshotCounters(counters),
  };
}

function fmt(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
