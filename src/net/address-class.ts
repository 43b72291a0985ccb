import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where an address can be reached from, for deciding which DHT contacts we dial:
 * - `never`: unspecified, broadcast, multicast, 240/4 and other ranges nothing answers from;
 * - `loopback` and `link-local`: this host or this link only;
 * - `private`: RFC 1918, CGNAT (100.64/10), IPv6 ULA and the documentation and benchmarking
 *   ranges (not globally routable: a private swarm, a lab, a simulator's namespaces);
 * - `public`: everything else.
 */
export type AddressScope = 'never' | 'loopback' | 'link-local' | 'private' | 'public';

/** Prefix lengths that count as one source: a /24 is one IPv4 site; /56 the usual IPv6 end-site allocation. */
export const SOURCE_PREFIX_V4_BITS = 24;
export const SOURCE_PREFIX_V6_BITS = 56;

const NEVER_V4 = new Set(['unspecified', 'broadcast', 'multicast']);
const NEVER_V6 = new Set(['unspecified', 'multicast', 'reserved', 'discard']);
// 240.0.0.0/4 ("reserved for future use") never answers; the rest of ipaddr's `reserved`
// (TEST-NET-1..3, 198.18/15 benchmarking, 192.0.0/24) is unroutable but used by labs and simulators.
const FUTURE_USE_V4 = ipaddr.IPv4.parseCIDR('240.0.0.0/4');

/** Parses a literal IPv4 or IPv6 address (strict: no `127.1`, no hex); IPv4-mapped IPv6 becomes IPv4. */
export function parseAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = host.replace(/%.*$/, '');
  if (isIP(bare) === 0) return null;
  try {
    return ipaddr.process(bare);
  } catch {
    return null;
  }
}

/** Canonical text of an address, so `::ffff:10.0.0.1` equals `10.0.0.1` and `0:0::1` equals `::1`; null if not an IP. */
export function normalizeIp(host: string): string | null {
  return parseAddress(host)?.toString() ?? null;
}

export function addressScope(host: string): AddressScope | null {
  const ip = parseAddress(host);
  if (!ip) return null;
  if (ip.kind() === 'ipv4') {
    const v4 = ip as ipaddr.IPv4;
    const range = v4.range();
    if (NEVER_V4.has(range) || v4.match(FUTURE_USE_V4)) return 'never';
    if (range === 'loopback') return 'loopback';
    if (range === 'linkLocal') return 'link-local';
    if (range === 'private' || range === 'carrierGradeNat' || range === 'reserved') return 'private';
    return 'public';
  }
  const range: string = (ip as ipaddr.IPv6).range();
  if (NEVER_V6.has(range)) return 'never';
  if (range === 'loopback') return 'loopback';
  if (range === 'linkLocal') return 'link-local';
  if (range === 'uniqueLocal' || range === 'benchmarking' || range === 'deprecatedSiteLocal') return 'private';
  return 'public';
}

/**
 * The network a source belongs to for fairness (`10.1.2.0/24`, `2001:db8:0:ab00::/56`): one
 * attacker usually holds a whole prefix, so limits per address alone are not enough.
 */
export function sourcePrefix(host: string): string | null {
  const ip = parseAddress(host);
  if (!ip) return null;
  const bits = ip.kind() === 'ipv4' ? SOURCE_PREFIX_V4_BITS : SOURCE_PREFIX_V6_BITS;
  const net = ip.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${bits}`);
  return `${net.toString()}/${bits}`;
}
