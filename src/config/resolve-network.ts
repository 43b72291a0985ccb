import { isIP } from 'node:net';
import { parseHostPort } from '../peer.js';
import { parseCidr } from './cidr.js';
import { endpointsCollide, formatEndpoint, parseIpEndpoint } from './endpoints.js';
import type { Findings } from './issues.js';
import type { RawConfig } from './schema.js';
import type { Config, Endpoint } from './types.js';

/** DNS listen endpoints: IP literals, port 0-65535 (default 53), no two that cannot both bind. */
export function resolveListen(texts: readonly string[], found: Findings): Endpoint[] {
  const out: Endpoint[] = [];
  texts.forEach((text, i) => {
    const parsed = parseIpEndpoint(text, 0);
    if (parsed.error !== undefined) return found.error(['listen', i], parsed.error);
    const clash = out.findIndex((e) => endpointsCollide(e, parsed.value));
    if (clash >= 0) return found.error(['listen', i], `${formatEndpoint(parsed.value)} and listen[${clash}] cannot both be bound (same port, overlapping address)`);
    out.push(parsed.value);
  });
  return out;
}

/** Explicit upstreams: IP literals, port 1-65535 (default 53). */
export function resolveUpstreamList(texts: readonly string[], found: Findings): Endpoint[] {
  const out: Endpoint[] = [];
  texts.forEach((text, i) => {
    const parsed = parseIpEndpoint(text, 1);
    if (parsed.error !== undefined) return found.error(['upstreams', i], parsed.error);
    out.push(parsed.value);
  });
  return out;
}

/** The optional metrics/status HTTP endpoint: an IP literal with an explicit port. */
export function resolveMetrics(text: string | undefined, listen: readonly Endpoint[], found: Findings): Endpoint | undefined {
  if (text === undefined) return undefined;
  const parsed = parseIpEndpoint(text, 0);
  if (parsed.error !== undefined) { found.error(['metrics'], parsed.error); return undefined; }
  if (!/:\d+$/.test(text)) { found.error(['metrics'], 'give the port too, e.g. "127.0.0.1:9153"'); return undefined; }
  const clash = listen.findIndex((l) => l.port !== 0 && endpointsCollide(l, parsed.value));
  if (clash >= 0) { found.error(['metrics'], `collides with the DNS listener listen[${clash}] (TCP)`); return undefined; }
  return parsed.value;
}

export function resolveAllow(texts: readonly string[], found: Findings): string[] {
  const out: string[] = [];
  texts.forEach((text, i) => {
    const parsed = parseCidr(text);
    if (parsed.error !== undefined) found.error(['allow', i], parsed.error);
    else out.push(parsed.value);
  });
  return out;
}

/**
 * The DHT socket: bind must be an IP literal; the UDP port must not collide with a DNS listener
 * (both are UDP). Bootstrap entries are `host:port` (names allowed), port 1-65535; `[]` starts a
 * standalone node.
 */
export function resolveDht(dht: RawConfig['dht'], listen: readonly Endpoint[], found: Findings): Config['dht'] {
  if (isIP(dht.bind) === 0) found.error(['dht', 'bind'], 'must be an IP address (0.0.0.0 for all IPv4 interfaces, :: for all)');
  else {
    const clash = listen.findIndex((l) => endpointsCollide(l, { host: dht.bind, port: dht.port }));
    if (clash >= 0) found.error(['dht', 'port'], `UDP ${dht.bind}:${dht.port} collides with the DNS listener listen[${clash}]`);
  }
  const bootstrap: Endpoint[] = [];
  dht.bootstrap.forEach((text, i) => {
    const parsed = parseHostPort(text);
    if (parsed === null) {
      found.error(['dht', 'bootstrap', i],
        `bootstrap entry ${JSON.stringify(text)} must be host:port or [IPv6]:port with a port in 1-65535`, 'WHEREZ_BOOTSTRAP_INVALID');
    } else bootstrap.push(parsed);
  });
  return { bind: dht.bind, port: dht.port, bootstrap };
}
