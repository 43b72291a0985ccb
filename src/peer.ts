import { isIPv4, isIPv6 } from 'node:net';

/** An authenticated peer: the DHT contact's address with the application port it proved. */
export interface Peer {
  /** IP address the peer was reached at (from the DHT contact). */
  host: string;
  /** Application port carried in the authenticated response. */
  port: number;
  /** TCP port its auth listener answered on (the announced DHT port). */
  authPort: number;
  /** When the peer last passed a challenge (ms since epoch). */
  verifiedAt: number;
}

/** The key that identifies one peer within a zone: the auth endpoint it answers on. */
export function peerKey(p: { host: string; authPort: number }): string {
  return `${p.host}:${p.authPort}`;
}

export function formatPeer(p: { host: string; port: number }): string {
  return isIPv6(p.host) ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
}

export function isValidPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Parses `host:port` (IPv4 or name) or `[v6]:port`; returns null on anything else. */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const host = m[1] as string;
  const port = Number(m[2]);
  if (!isValidPort(port)) return null;
  if (s.startsWith('[') && !isIPv6(host)) return null;
  if (!isIPv4(host) && !isIPv6(host) && !/^[A-Za-z0-9.-]{1,253}$/.test(host)) return null;
  return { host, port };
}
