import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { Endpoint } from './types.js';

export const DNS_PORT = 53;

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

/**
 * Parses an IP literal endpoint: `1.2.3.4`, `1.2.3.4:53`, `::1`, `[::1]`, `[::1]:53`. The port
 * defaults to 53 and must be at least `minPort` (0 allows an ephemeral listen port). IPv6 zone
 * suffixes (`fe80::1%eth0`) are kept: the socket needs them. Host names are not accepted here.
 */
export function parseIpEndpoint(text: string, minPort: number): Parsed<Endpoint> {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    portText = bracketed[2];
    if (isIP(host) !== 6) return { error: 'brackets must hold an IPv6 address' };
  } else if (isIP(text) !== 0) {
    host = text;
  } else {
    const m = /^([^:]+):(\d+)$/.exec(text);
    if (!m || !isIPv4(m[1] as string)) return { error: 'must be an IP address with an optional port: 1.2.3.4[:port] or [IPv6][:port]' };
    host = m[1] as string;
    portText = m[2];
  }
  const port = portText === undefined ? DNS_PORT : Number(portText);
  if (!Number.isInteger(port) || port < minPort || port > 65535) return { error: `port must be ${minPort}-65535` };
  return { value: { host, port } };
}

export function formatEndpoint(e: Endpoint): string {
  return isIPv6(e.host) ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/**
 * Canonical text of an IP, without IPv6 zone suffix, for comparisons: `0:0::1` equals `::1`,
 * and an IPv4-mapped IPv6 address (how dual-stack sockets show IPv4 peers) equals its IPv4.
 */
export function canonicalIp(ip: string): string {
  const bare = ip.replace(/%.*$/, '').toLowerCase();
  if (!isIPv6(bare)) return bare;
  const canon = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canon);
  if (!mapped) return canon;
  const hi = parseInt(mapped[1] as string, 16);
  const lo = parseInt(mapped[2] as string, 16);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

export function isWildcard(ip: string): boolean {
  const c = canonicalIp(ip);
  return c === '0.0.0.0' || c === '::';
}

export function isLoopback(ip: string): boolean {
  const c = canonicalIp(ip);
  return c === '::1' || (isIPv4(c) && c.startsWith('127.'));
}

/**
 * Whether a socket bound to `a` blocks one bound to `b` on the same port: the same address, or a
 * wildcard covering the other (`::` is dual-stack on Linux, so it covers IPv4 too).
 */
export function addressesOverlap(a: string, b: string): boolean {
  const ca = canonicalIp(a);
  const cb = canonicalIp(b);
  if (ca === cb) return true;
  const covers = (w: string, o: string) => w === '::' || (w === '0.0.0.0' && isIPv4(o));
  return covers(ca, cb) || covers(cb, ca);
}

/**
 * Whether sending to `target` reaches a socket bound to `listener` on this host (a forwarding
 * loop, or our own listener met as a peer): the same port and the same address once
 * canonical, or a wildcard listener and a target that is this host (loopback, a wildcard, or
 * one of `localAddresses`, canonical). The one own-listener check: DNS upstreams and resolv.conf
 * nameservers both go through it.
 */
export function reachesListener(target: Endpoint, listener: Endpoint, localAddresses: ReadonlySet<string> = new Set()): boolean {
  if (target.port !== listener.port) return false;
  const t = canonicalIp(target.host);
  if (!isWildcard(listener.host)) return t === canonicalIp(listener.host);
  const thisHost = isWildcard(t) || isLoopback(t) || localAddresses.has(t);
  return thisHost && addressesOverlap(listener.host, t);
}

/** Two endpoints that cannot both be bound (same protocol). Port 0 is ephemeral and never collides. */
export function endpointsCollide(a: Endpoint, b: Endpoint): boolean {
  return a.port !== 0 && a.port === b.port && addressesOverlap(a.host, b.host);
}
