/** Client allow-list: CIDR strings to a node:net BlockList, checked per packet. */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { wherezError } from '../errors.js';
import { parseCidr } from '../net/cidr.js';

/** Client addresses whose allow verdict is remembered. */
const ALLOW_VERDICTS_MAX = 4096;

export type AllowCheck = (address: string) => boolean;

export function createAllowCheck(cidrs: readonly string[]): AllowCheck {
  const list = new BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr.error !== undefined) throw wherezError('WHEREZ_ARGUMENT', `allow entry "${text}" ${cidr.error}`);
    list.addSubnet(cidr.value.address, cidr.value.prefix, cidr.value.family);
  }
  const check = (address: string): boolean => {
    // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d; the list speaks plain IPv4.
    const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    if (isIPv4(v4)) return list.check(v4, 'ipv4');
    return isIPv6(v4) && list.check(v4, 'ipv6');
  };
  // BlockList.check builds a native address object per call (~9% of a cached answer's CPU):
  // remember verdicts per client address. Bounded: a spoofed-source flood only empties it.
  const verdicts = new Map<string, boolean>();
  return (address) => {
    let v = verdicts.get(address);
    if (v === undefined) {
      if (verdicts.size >= ALLOW_VERDICTS_MAX) verdicts.clear();
      v = check(address);
      verdicts.set(address, v);
    }
    return v;
  };
}
