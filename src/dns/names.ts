/**
 * The name scheme under `_wherez.<domain>` (and the optional underscore-free host zone):
 * classifying a query name, and building the names we put in answers. Every built name is validated (dns-packet would encode a 64-byte label into a
 * corrupt packet, and our own writer trusts its input); a name that cannot be built yields null,
 * and the record that needed it is left out.
 */
import { SERVICE_NAME_PATTERN } from '../config/schema.js';
import { ipFromLabel, type IpAddr } from './ip.js';

export const ZONE_LABEL = '_wherez';
const MAX_LABEL_BYTES = 63;
/** 255 wire bytes = text length + 2 for a non-root name without trailing dot. */
const MAX_NAME_TEXT_BYTES = 253;
/** LDH (RFC 952/1123), optionally with one leading underscore (RFC 8552 attrleaf / RFC 2782). */
const LABEL = /^_?[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** The DNS-SD service-type enumeration name, relative to the zone (RFC 6763 9). */
const SERVICES = ['_services', '_dns-sd', '_udp'];
/** RFC 6763 11: browse (`b`), default browse (`db`) and legacy browse (`lb`) domain names. */
const BROWSE = new Set(['b', 'db', 'lb']);
const PROTO_LABELS = new Set(['_tcp', '_udp']);
export const NS_LABEL = 'ns';

const SERVICE_NAME = new RegExp(SERVICE_NAME_PATTERN);
/** RFC 6335 service name (lower case): what a zone label must be to double as its service. */
export const isServiceName = (name: string): boolean => SERVICE_NAME.test(name);

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
export const browseName = (which: string, zone: string): string => `${which}.${SERVICES.slice(1).join('.')}.${zone}`;
/** RFC 2782 / RFC 6763 service type `_<service>._<proto>.<zone>`. */
export const serviceTypeName = (service: string, proto: string, zone: string): string | null => checked(`_${service}._${proto}.${zone}`);
export const typeInstanceName = (addr: IpAddr, port: number, service: string, proto: string, zone: string): string | null =>
  checked(`i-${addr.label}-${port}._${service}._${proto}.${zone}`);
/** `<label>.<zone>`: the host a `mongodb+srv://<label>._wherez.<domain>/` URL names. */
export const labelHostName = (label: string, zone: string): string | null => checked(`${label}.${zone}`);
export const nsName = (zone: string): string => `${NS_LABEL}.${zone}`;
export const hostmasterName = (zone: string): string => `hostmaster.${zone}`;

export type ZoneName =
  | { kind: 'outside' }
  | { kind: 'apex' }
  | { kind: 'service'; label: string }
  | { kind: 'instance'; label: string; addr: IpAddr; port: number }
  | { kind: 'host'; addr: IpAddr }
  | { kind: 'services' }
  /** `ns.<zone>`: the name server the apex NS and the SOA MNAME name; answers its glue. */
  | { kind: 'ns' }
  /** `_<service>._<proto>.<zone>` (RFC 2782 SRV, RFC 6763 service type). */
  | { kind: 'type'; service: string; proto: string }
  | { kind: 'type-instance'; service: string; proto: string; addr: IpAddr; port: number }
  /** `_<service>._<proto>.<label>.<zone>`: one zone's SRV (mongodb+srv). */
  | { kind: 'label-type'; service: string; proto: string; label: string }
  /** `<label>.<zone>` and `_<proto>.<label>.<zone>`: exist when the zone does, hold no data. */
  | { kind: 'label-host'; label: string; proto?: string }
  /** `b` / `db` / `lb._dns-sd._udp.<zone>` (RFC 6763 11). */
  | { kind: 'browse'; which: string }
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
/** The labels of `labels` below `zoneLabels`, or null when the name is not in that zone. */
function relativeTo(labels: readonly string[], zoneLabels: readonly string[]): string[] | null {
  const rel = labels.length - zoneLabels.length;
  if (rel < 0) return null;
  for (let i = 0; i < zoneLabels.length; i++) {
    if (labels[rel + i] !== zoneLabels[i]) return null;
  }
  return labels.slice(0, rel);
}

const underscored = (l: string | undefined): l is string => l !== undefined && l.length > 1 && l.startsWith('_');
const plain = (l: string | undefined): l is string => l !== undefined && !l.startsWith('_');

/** `h-<address>` or `ns`, the names both zones share; undefined for anything else. */
function hostLike(first: string): ZoneName | undefined {
  if (first === NS_LABEL) return { kind: 'ns' };
  if (!first.startsWith('h-')) return undefined;
  const addr = ipFromLabel(first.slice(2));
  return addr ? { kind: 'host', addr } : { kind: 'unknown' };
}

/**
 * Where a (lower-case) query name falls relative to the zone. Syntax only: whether a label or
 * service is configured or a peer exists is for the answer builder to decide.
 */
export function classifyName(labels: readonly string[], zoneLabels: readonly string[]): ZoneName {
  const r = relativeTo(labels, zoneLabels);
  if (r === null) return { kind: 'outside' };
  const [first, second, third] = r;
  if (first === undefined) return { kind: 'apex' };
  if (r.length === 1) {
    if (underscored(first)) return { kind: 'service', label: first.slice(1) };
    return hostLike(first) ?? (plain(first) ? { kind: 'label-host', label: first } : { kind: 'unknown' });
  }
  const typed = underscored(first) && second !== undefined && PROTO_LABELS.has(second);
  if (r.length === 2) {
    if (first === SERVICES[1] && second === SERVICES[2]) return { kind: 'ent' };
    if (typed) return { kind: 'type', service: first.slice(1), proto: second.slice(1) };
    if (PROTO_LABELS.has(first) && plain(second)) return { kind: 'label-host', label: second, proto: first.slice(1) };
    const inst = underscored(second) ? parseInstance(first) : null;
    return inst ? { kind: 'instance', label: (second as string).slice(1), ...inst } : { kind: 'unknown' };
  }
  if (r.length === 3) {
    if (second === SERVICES[1] && third === SERVICES[2]) {
      if (first === SERVICES[0]) return { kind: 'services' };
      if (BROWSE.has(first)) return { kind: 'browse', which: first };
    }
    if (typed && plain(third)) return { kind: 'label-type', service: first.slice(1), proto: second.slice(1), label: third };
    if (underscored(second) && third !== undefined && PROTO_LABELS.has(third)) {
      const inst = parseInstance(first);
      if (inst) return { kind: 'type-instance', service: second.slice(1), proto: third.slice(1), ...inst };
    }
  }
  return { kind: 'unknown' };
}

/**
 * A name in the optional underscore-free host zone (`host_domain`): its apex, `ns`, and the peers'
 * `h-<address>` names; nothing else exists there.
 */
export function classifyHostZoneName(labels: readonly string[], zoneLabels: readonly string[]): ZoneName {
  const r = relativeTo(labels, zoneLabels);
  if (r === null) return { kind: 'outside' };
  const [first] = r;
  if (first === undefined) return { kind: 'apex' };
  return (r.length === 1 && hostLike(first)) || { kind: 'unknown' };
}
