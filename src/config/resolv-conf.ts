import { isIP } from 'node:net';
import { DNS_PORT, reachesListener } from '../net/endpoint.js';
import type { Endpoint } from '../net/endpoint.js';

export const RESOLV_CONF_PATH = '/etc/resolv.conf';

/**
 * The `nameserver` entries of resolv.conf text, in order, without duplicates, port 53 (the file
 * has no port syntax). Comments start with `#` or `;`; entries that are not IP literals are
 * skipped, as the libc resolver does. IPv6 zone suffixes (`fe80::1%eth0`) are kept.
 */
export function parseResolvConf(text: string): Endpoint[] {
  const out: Endpoint[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const [keyword, address] = line.split(/\s+/);
    if (keyword !== 'nameserver' || address === undefined) continue;
    const bare = address.replace(/%.*$/, '');
    const family = isIP(bare);
    if (family === 0 || (family === 4 && bare !== address)) continue;
    if (!out.some((e) => e.host === address)) out.push({ host: address, port: DNS_PORT });
  }
  return out;
}

/**
 * Drops the nameservers that are this server itself, so a wherez installed as the system
 * resolver does not forward to itself: a nameserver is ours when one of our listen endpoints is
 * on port 53 and has the same address, or is a wildcard (`0.0.0.0`, `::`) and the nameserver is
 * a loopback address. (A wildcard listener also owns the host's other addresses; those are not
 * known here without reading the interfaces, so list `upstreams` explicitly in that setup.)
 */
export function withoutOwnListeners(servers: readonly Endpoint[], listen: readonly Endpoint[]): Endpoint[] {
  return servers.filter((s) => !listen.some((l) => reachesListener(s, l)));
}
