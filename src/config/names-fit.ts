import type { Findings } from './issues.js';

/** Longest DNS name in text form (255 wire bytes). */
const MAX_NAME_CHARS = 253;
/**
 * The longest first label the DNS side builds under a zone service name: an instance
 * `i-<IPv6 expanded to 39 characters>-<5-digit port>` (see dns/ip.ts and dns/names.ts).
 */
const LONGEST_INSTANCE_LABEL = 'i-'.length + 39 + '-65535'.length;

/**
 * Every name a zone answers for must fit in a DNS name: `_wherez.<domain>`, and under it
 * `i-<addr>-<port>._<label>._wherez.<domain>`. Checked here so a long domain or label fails at
 * startup instead of silently producing no answers.
 */
export function checkNamesFit(domain: string, zones: readonly NamedZone[], found: Findings): void {
  const zone = `_wherez.${domain}`;
  if (zone.length > MAX_NAME_CHARS) {
    found.error(['domain'], `too long: _wherez.<domain> must fit in ${MAX_NAME_CHARS} characters`);
    return;
  }
  for (const { label, service, proto } of zones) {
    const longest = LONGEST_INSTANCE_LABEL + 1 + `_${label}.${zone}`.length;
    if (longest > MAX_NAME_CHARS) {
      found.error(['zones', label], `label and domain too long: names such as i-<IPv6>-<port>._${label}._wherez.<domain> ` +
        `would have ${longest} characters (at most ${MAX_NAME_CHARS}); shorten the label or the domain`);
      continue;
    }
    // `_<service>._<proto>.<label>` is shorter than the instance above; the type's instances may not be.
    const typed = service === undefined ? 0 : LONGEST_INSTANCE_LABEL + 1 + `_${service}._${proto}.${zone}`.length;
    if (typed > MAX_NAME_CHARS) {
      found.error(['zones', label, 'service'], `service and domain too long: names such as i-<IPv6>-<port>._${service}._${proto}._wherez.<domain> ` +
        `would have ${typed} characters (at most ${MAX_NAME_CHARS}); shorten the service or the domain`);
    }
  }
}

/** A zone's name parts as the DNS side will use them (service undefined: no RFC 2782 names). */
export interface NamedZone { label: string; service: string | undefined; proto: string }

/**
 * `host_domain`, lower case. The server becomes authoritative for all of it (anything but the
 * `h-<address>` names is NXDOMAIN there, never forwarded), so a domain that contains
 * `_wherez.<domain>` hides every other name of `<domain>` from the upstreams: said as a warning.
 */
export function resolveHostDomain(raw: string | undefined, domain: string, found: Findings): string | undefined {
  if (raw === undefined) return undefined;
  const host = raw.toLowerCase();
  if (domain === host || domain.endsWith(`.${host}`)) {
    found.warn(['host_domain'], `contains _wherez.${domain}: every other name under ${host} is answered NXDOMAIN here, not forwarded; ` +
      `prefer a name of its own, e.g. peers.${domain}`);
  }
  return host;
}
