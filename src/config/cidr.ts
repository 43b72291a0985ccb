import { isIP } from 'node:net';
import type { Parsed } from './endpoints.js';

/**
 * Checks an `allow` entry: `10.0.0.0/8`, `fd00::/8`, or a bare address (which means that one
 * host, `/32` or `/128`). Returns the entry in `address/prefix` form. Host bits below the prefix
 * are allowed (`10.1.2.3/8` means `10.0.0.0/8`), as in most ACL syntaxes.
 */
export function parseCidr(text: string): Parsed<string> {
  const [address = '', prefixText, extra] = text.split('/');
  const family = address.includes('%') ? 0 : isIP(address);
  if (family === 0 || extra !== undefined) return { error: 'must be an IP network: address/prefix, e.g. 10.0.0.0/8 or fd00::/8' };
  const max = family === 4 ? 32 : 128;
  if (prefixText === undefined) return { value: `${address}/${max}` };
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return { error: `prefix length must be 0-${max}` };
  return { value: `${address}/${prefix}` };
}
