/**
 * IP addresses as record data and as DNS labels. The label form is reversible and canonical:
 * IPv4 `10-0-0-5`; IPv6 fully expanded, lower-case, `2001-0db8-0000-0000-0000-0000-0000-0001`
 * (compressed forms would need `--`, which also starts IDN-reserved labels and is ambiguous to read).
 * IPv4-mapped IPv6 addresses are treated as the IPv4 address they carry.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddr {
  family: 4 | 6;
  /** 4 or 16 bytes: A / AAAA record data. */
  bytes: Buffer;
  /** Canonical label form (without the `h-` / `i-` prefix). */
  label: string;
}

const V4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const V6_GROUP_LABEL = /^[0-9a-f]{4}$/;

function fromV4Octets(octets: number[]): IpAddr {
  return { family: 4, bytes: Buffer.from(octets), label: octets.join('-') };
}

function parseV4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map(Number);
  return octets.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? octets : null;
}

/** Eight 16-bit groups of an IPv6 text address (any valid form, embedded IPv4 included). */
function v6Groups(text: string): number[] | null {
  if (!isIPv6(text) || text.includes('%')) return null; // a zone index has no meaning off-host
  let t = text;
  const lastColon = t.lastIndexOf(':');
  const tail = t.slice(lastColon + 1);
  if (tail.includes('.')) {
    const o = parseV4(tail);
    if (!o) return null;
    t = `${t.slice(0, lastColon + 1)}${((o[0] as number) * 256 + (o[1] as number)).toString(16)}:${((o[2] as number) * 256 + (o[3] as number)).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const side = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = side(halves[0]);
  const right = side(halves[1]);
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  if (fill < 0) return null;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function fromV6Groups(groups: number[]): IpAddr {
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) {
    const hi = groups[6] as number;
    const lo = groups[7] as number;
    return fromV4Octets([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  }
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return { family: 6, bytes, label: groups.map((g) => g.toString(16).padStart(4, '0')).join('-') };
}

/** Parses a peer's host text; null for anything that is not a usable IP address. */
export function parseIp(text: string): IpAddr | null {
  if (isIPv4(text)) {
    const o = parseV4(text);
    return o ? fromV4Octets(o) : null;
  }
  const groups = v6Groups(text);
  return groups ? fromV6Groups(groups) : null;
}

/** Inverse of `IpAddr.label`; only the canonical form is accepted, so each address has one name. */
export function ipFromLabel(form: string): IpAddr | null {
  const parts = form.split('-');
  let addr: IpAddr | null = null;
  if (parts.length === 4 && parts.every((p) => V4_OCTET.test(p) && Number(p) <= 255)) {
    addr = fromV4Octets(parts.map(Number));
  } else if (parts.length === 8 && parts.every((p) => V6_GROUP_LABEL.test(p))) {
    addr = fromV6Groups(parts.map((p) => parseInt(p, 16)));
  }
  return addr && addr.label === form ? addr : null;
}
