/**
 * The name scheme under `_wherez.<domain>`: classifying a query name, and building the names we
 * put in answers. Every built name is validated (dns-packet would encode a 64-byte label into a
 * corrupt packet, and our own writer trusts its input); a name that cannot be built yields null,
 * and the record that needed it is left out.
 */
import { ipFromLabel, type IpAddr } from './ip.js';

export const ZONE_LABEL = '_wherez';
const MAX_LABEL_BYTES = 63;
/** 255 wire bytes = text length + 2 for a non-root name without trailing dot. */
const MAX_NAME_TEXT_BYTES = 253;
/** LDH (RFC 952/1123), optionally with one leading underscore (RFC 8552 attrleaf / RFC 2782). */
const LABEL = /^_?[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** The DNS-SD service-type enumeration name, relative to the zone (RFC 6763 9). */
const SERVICES = ['_services', '_dns-sd', '_udp'];

export function isValidLabel(label: string): boolean {
  return label.length >= 1 && label.length <= MAX_LABEL_BYTES && LABEL.test(label);
}

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_TEXT_BYTES && name.split('.').every(isValidLabel);
}

function checked(name: string): string | null {
  return isValidName(name) ? name : null;
}

/** `_wherez.<domain>`, lower case, or null when the domain cannot carry it. */
export function zoneName(domain: string): string | null {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return checked(`${ZONE_LABEL}.${d}`);
}

export const serviceName = (label: string, zone: string): string | null => checked(`_${label}.${zone}`);
export const hostName = (addr: IpAddr, zone: string): string | null => checked(`h-${addr.label}.${zone}`);
export const instanceName = (addr: IpAddr, port: number, label: string, zone: string): string | null =>
  checked(`i-${addr.label}-${port}._${label}.${zone}`);
export const servicesName = (zone: string): string => `${SERVICES.join('.')}.${zone}`;
export const nsName = (zone: string): string => `ns.${zone}`;
export const hostmasterName = (zone: string): string => `hostmaster.${zone}`;

export type ZoneName =
  | { kind: 'outside' }
  | { kind: 'apex' }
  | { kind: 'service'; label: string }
  | { kind: 'instance'; label: string; addr: IpAddr; port: number }
  | { kind: 'host'; addr: IpAddr }
  | { kind: 'services' }
  /** An empty non-terminal (`_udp`, `_dns-sd._udp`): exists, so NODATA, never NXDOMAIN (RFC 8020). */
  | { kind: 'ent' }
  | { kind: 'unknown' };

const PORT = /^[1-9][0-9]{0,4}$/;

function parseInstance(first: string): { addr: IpAddr; port: number } | null {
  if (!first.startsWith('i-')) return null;
  const cut = first.lastIndexOf('-');
  const portText = first.slice(cut + 1);
  const port = Number(portText);
  if (cut < 2 || !PORT.test(portText) || port > 65535) return null;
  const addr = ipFromLabel(first.slice(2, cut));
  return addr ? { addr, port } : null;
}

/**
 * Where a (lower-case) query name falls relative to the zone. Syntax only: whether a label is
 * configured or a peer exists is for the answer builder to decide.
 */
export function classifyName(labels: readonly string[], zoneLabels: readonly string[]): ZoneName {
  const rel = labels.length - zoneLabels.length;
  if (rel < 0) return { kind: 'outside' };
  for (let i = 0; i < zoneLabels.length; i++) {
    if (labels[rel + i] !== zoneLabels[i]) return { kind: 'outside' };
  }
  const r = labels.slice(0, rel);
  const [first, second] = r;
  if (first === undefined) return { kind: 'apex' };
  if (r.length === SERVICES.length && r.every((l, i) => l === SERVICES[i])) return { kind: 'services' };
  if (r.length === 2 && first === SERVICES[1] && second === SERVICES[2]) return { kind: 'ent' };
  if (r.length === 1 && first.startsWith('_') && first.length > 1) return { kind: 'service', label: first.slice(1) };
  if (r.length === 1 && first.startsWith('h-')) {
    const addr = ipFromLabel(first.slice(2));
    return addr ? { kind: 'host', addr } : { kind: 'unknown' };
  }
  if (r.length === 2 && second !== undefined && second.startsWith('_') && second.length > 1) {
    const inst = parseInstance(first);
    if (inst) return { kind: 'instance', label: second.slice(1), ...inst };
  }
  return { kind: 'unknown' };
}
