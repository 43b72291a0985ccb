import ipaddr from 'ipaddr.js';
import type { Parsed } from './endpoint.js';

/** An IP network: `address/prefix` with its family, as node:net's BlockList takes it. */
export interface Cidr { address: string; prefix: number; family: 'ipv4' | 'ipv6' }

/**
 * The one CIDR parser (config `allow`, the DNS allow-list): `10.0.0.0/8`, `fd00::/8`, or a bare
 * address (that one host, `/32` or `/128`). Host bits below the prefix are allowed (`10.1.2.3/8`
 * means `10.0.0.0/8`), as in most ACL syntaxes. Zone suffixes and non-decimal forms are refused.
 */
export function parseCidr(text: string): Parsed<Cidr> {
  const [address = '', prefixText, extra] = text.split('/');
  const kind = ipaddr.IPv4.isValidFourPartDecimal(address) ? 'ipv4' : !address.includes('%') && ipaddr.IPv6.isValid(address) ? 'ipv6' : null;
  if (kind === null || extra !== undefined) return { error: 'must be an IP network: address/prefix, e.g. 10.0.0.0/8 or fd00::/8' };
  const max = kind === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { value: { address, prefix: max, family: kind } };
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return { error: `prefix length must be 0-${max}` };
  return { value: { address, prefix, family: kind } };
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}
