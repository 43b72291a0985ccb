import os from 'node:os';
import ipaddr from 'ipaddr.js';
import { normalizeIp } from '../../net/address-class.js';
import { MAX_ATTESTED } from './wire.js';
import { isWildcard } from '../../net/endpoint.js';

/**
 * The addresses a v2 listener vouches for (design 4.6): where it can be reached, never what a
 * peer claims. A listener bound to one address attests that address; a wildcard listener its
 * interface addresses (link-local IPv6 excluded: it means nothing without an interface). Then the
 * configured external addresses (NAT with port forwarding). At most 16, configured ones first
 * so a host with many interfaces cannot push them out.
 */
export function attestedAddresses(
  bindHost: string, external: readonly string[],
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string[] {
  const out: string[] = [];
  const add = (a: string) => {
    const c = normalizeIp(a);
    if (c !== null && !out.includes(c) && out.length < MAX_ATTESTED) out.push(c);
  };
  for (const a of external) add(a);
  if (!isWildcard(bindHost)) {
    add(bindHost);
    return out;
  }
  const v6 = bindHost.includes(':');
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      if (i.family === 'IPv6' && (!v6 || ipaddr.parse(i.address).range() === 'linkLocal')) continue;
      add(i.address);
    }
  }
  return out;
}
