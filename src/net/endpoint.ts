import { isIP, isIPv4, isIPv6 } from 'node:net';
import { normalizeIp } from './address-class.js';

/**
 * Endpoints (`host:port`) as every part of wherez writes and reads them: one parser for the
 * config and the CLI, one formatter for messages, logs and output, and the address comparisons
 * that decide whether two sockets collide.
 */
export interface Endpoint { host: string; port: number }

export const DNS_PORT = 53;

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

export interface EndpointRules {
  /** Port when none is written; undefined: the port is required. */
  defaultPort?: number;
  /** Lowest port accepted (0 allows an ephemeral listen port). Default 1. */
  minPort?: number;
  /** Accept host names (`router.example.org:6881`), not only IP literals. */
  hostNames?: boolean;
}

/** An endpoint and whether its port was written (`::1` has none: it is an address, not `[::1]:1`). */
export type ParsedEndpoint = Endpoint & { portGiven: boolean };

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * `1.2.3.4`, `1.2.3.4:53`, `::1` (a bare IPv6 address never carries a port), `[::1]`, `[::1]:53`,
 * and with `hostNames` `name` and `name:port`. IPv6 zone suffixes (`fe80::1%eth0`) are kept: the
 * socket needs them.
 */
export function parseEndpoint(text: string, rules: EndpointRules = {}): Parsed<ParsedEndpoint> {
  const minPort = rules.minPort ?? 1;
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
    const m = /^([^:[\]\s]+?)(?::(\d+))?$/.exec(text);
    const h = m?.[1];
    if (h === undefined || !(isIPv4(h) || (rules.hostNames === true && HOST_NAME.test(h) && !/^[\d.]+$/.test(h)))) {
      return { error: rules.hostNames === true
        ? 'must be host:port, IP:port or [IPv6]:port'
        : 'must be an IP address with an optional port: 1.2.3.4[:port] or [IPv6][:port]' };
    }
    host = h;
    portText = m?.[2];
  }
  if (portText === undefined && rules.defaultPort === undefined) return { error: `needs a port: ${formatEndpoint({ host, port: 53 }).replace(/53$/, 'PORT')}` };
  const port = portText === undefined ? rules.defaultPort as number : Number(portText);
  if (!Number.isInteger(port) || port < minPort || port > 65535) return { error: `port must be ${minPort}-65535` };
  return { value: { host, port, portGiven: portText !== undefined } };
}

/** `1.2.3.4:53`, `[::1]:53`, `name:53`: the one way endpoints are written. */
export function formatEndpoint(e: Endpoint): string {
  return isIPv6(e.host) ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/**
 * Canonical text of an IP for comparisons (normalizeIp: no IPv6 zone suffix, `0:0::1` equals
 * `::1`, an IPv4-mapped IPv6 address equals its IPv4); anything else lower-cased as it is.
 */
export function canonicalIp(ip: string): string {
  return normalizeIp(ip) ?? ip.replace(/%.*$/, '').toLowerCase();
}

export function isWildcard(ip: string): boolean {
  const c = canonicalIp(ip);
  return c === '0.0.0.0' || c === '::';
}

/** Where a local client reaches a listener bound to `ip`: a wildcard is reached on loopback of its family. */
export function reachableHost(ip: string): string {
  if (!isWildcard(ip)) return ip;
  return canonicalIp(ip) === '::' ? '::1' : '127.0.0.1';
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

/** A DHT bootstrap entry, in the config and on the CLI: `host:port` (names allowed), port 1-65535. */
export function parseBootstrapEntry(text: string): Parsed<Endpoint> {
  const parsed = parseEndpoint(text, { hostNames: true, minPort: 1 });
  if (parsed.error !== undefined) return { error: `bootstrap entry ${JSON.stringify(text)} must be host:port or [IPv6]:port with a port in 1-65535` };
  return { value: { host: parsed.value.host, port: parsed.value.port } };
}
