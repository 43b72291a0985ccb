import { isIPv4 } from 'node:net';
import { formatCidr, parseCidr } from '../net/cidr.js';
import { DNS_PORT, endpointsCollide, formatEndpoint, parseBootstrapEntry, parseEndpoint, type EndpointRules, type Parsed } from '../net/endpoint.js';
import type { Findings } from './issues.js';
import type { RawConfig } from './schema.js';
import type { Config } from './types.js';
import type { Endpoint } from '../net/endpoint.js';

/** What is wrong with a DHT bind address (config `dht.bind`, CLI `find --bind`), if anything. */
export function dhtBindProblem(bind: string): string | undefined {
  return isIPv4(bind) ? undefined : 'must be an IPv4 address (0.0.0.0 for all interfaces): the DHT socket is IPv4 only';
}

/** The shared parser, keeping host and port only. */
function endpoint(text: string, rules: EndpointRules): Parsed<Endpoint & { portGiven: boolean }> {
  const parsed = parseEndpoint(text, rules);
  return parsed.error !== undefined ? parsed : { value: { host: parsed.value.host, port: parsed.value.port, portGiven: parsed.value.portGiven } };
}
const hostPort = ({ host, port }: Endpoint): Endpoint => ({ host, port });

/** DNS listen endpoints: IP literals, port 0-65535 (default 53), no two that cannot both bind. */
export function resolveListen(texts: readonly string[], found: Findings): Endpoint[] {
  const out: Endpoint[] = [];
  texts.forEach((text, i) => {
    const parsed = endpoint(text, { defaultPort: DNS_PORT, minPort: 0 });
    if (parsed.error !== undefined) return found.error(['listen', i], parsed.error);
    const clash = out.findIndex((e) => endpointsCollide(e, parsed.value));
    if (clash >= 0) return found.error(['listen', i], `${formatEndpoint(parsed.value)} and listen[${clash}] cannot both be bound (same port, overlapping address)`);
    out.push(hostPort(parsed.value));
  });
  return out;
}

/** Explicit upstreams: IP literals, port 1-65535 (default 53). */
export function resolveUpstreamList(texts: readonly string[], found: Findings): Endpoint[] {
  const out: Endpoint[] = [];
  texts.forEach((text, i) => {
    const parsed = endpoint(text, { defaultPort: DNS_PORT, minPort: 1 });
    if (parsed.error !== undefined) return found.error(['upstreams', i], parsed.error);
    out.push(hostPort(parsed.value));
  });
  return out;
}

/** The optional metrics/status HTTP endpoint: an IP literal with an explicit port. */
export function resolveMetrics(text: string | undefined, listen: readonly Endpoint[], found: Findings): Endpoint | undefined {
  if (text === undefined) return undefined;
  // A bare `::1` is an address without a port (its `:1` is no port), so it needs one too.
  const parsed = endpoint(text, { defaultPort: 0, minPort: 0 });
  if (parsed.error !== undefined) { found.error(['metrics'], parsed.error); return undefined; }
  if (!parsed.value.portGiven) { found.error(['metrics'], 'give the port too, e.g. "127.0.0.1:9153" or "[::1]:9153"'); return undefined; }
  const clash = listen.findIndex((l) => l.port !== 0 && endpointsCollide(l, parsed.value));
  if (clash >= 0) { found.error(['metrics'], `collides with the DNS listener listen[${clash}] (TCP)`); return undefined; }
  return hostPort(parsed.value);
}

export function resolveAllow(texts: readonly string[], found: Findings): string[] {
  const out: string[] = [];
  texts.forEach((text, i) => {
    const parsed = parseCidr(text);
    if (parsed.error !== undefined) found.error(['allow', i], parsed.error);
    else out.push(formatCidr(parsed.value));
  });
  return out;
}

/**
 * The DHT socket: bind must be an IPv4 literal (the DHT socket is udp4: BEP 5 compact node
 * info is IPv4, and binding it to `::` fails with EINVAL); the UDP port must not collide with a DNS listener
 * (both are UDP). Bootstrap entries are `host:port` (names allowed), port 1-65535; `[]` starts a
 * standalone node.
 */
export function resolveDht(dht: RawConfig['dht'], listen: readonly Endpoint[], found: Findings): Config['dht'] {
  const badBind = dhtBindProblem(dht.bind);
  if (badBind !== undefined) found.error(['dht', 'bind'], badBind);
  else {
    const clash = listen.findIndex((l) => endpointsCollide(l, { host: dht.bind, port: dht.port }));
    if (clash >= 0) found.error(['dht', 'port'], `UDP ${dht.bind}:${dht.port} collides with the DNS listener listen[${clash}]`);
  }
  const bootstrap: Endpoint[] = [];
  dht.bootstrap.forEach((text, i) => {
    const parsed = parseBootstrapEntry(text);
    if (parsed.error !== undefined) found.error(['dht', 'bootstrap', i], parsed.error, 'WHEREZ_BOOTSTRAP_INVALID');
    else bootstrap.push(parsed.value);
  });
  return { bind: dht.bind, port: dht.port, bootstrap };
}
