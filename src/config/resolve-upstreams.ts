import { formatEndpoint } from '../net/endpoint.js';
import type { Findings } from './issues.js';
import { resolveUpstreamList } from './resolve-network.js';
import { parseResolvConf, withoutOwnListeners } from './resolv-conf.js';
import type { Endpoint } from '../net/endpoint.js';

export interface ResolvConfSource {
  readonly path: string;
  /** The file's text, or an error code (e.g. ENOENT) when it could not be read. */
  read(): Promise<{ text: string } | { error: string }>;
}

/**
 * Upstreams as configured, or, when the key is omitted, the nameservers of resolv.conf minus our
 * own listeners. resolv.conf is read only when it is needed: with `forward: false` nothing is
 * forwarded, so an omitted list stays empty (and a given one is kept but warned about).
 */
export async function resolveUpstreams(
  given: readonly string[] | undefined, forward: boolean, listen: readonly Endpoint[],
  resolvConf: ResolvConfSource, found: Findings,
): Promise<Endpoint[]> {
  if (given !== undefined) {
    const list = resolveUpstreamList(given, found);
    if (forward && given.length === 0) found.error(['upstreams'], 'is empty while forward is true: list upstreams, or set forward: false');
    if (!forward && given.length > 0) found.warn(['upstreams'], 'unused: forward is false, so names outside the zone are refused');
    return list;
  }
  if (!forward) return [];
  const read = await resolvConf.read();
  if ('error' in read) {
    found.error(['upstreams'], `omitted, and ${resolvConf.path} cannot be read (${read.error}): list upstreams, or set forward: false`);
    return [];
  }
  const all = parseResolvConf(read.text);
  const servers = withoutOwnListeners(all, listen);
  if (servers.length === 0) {
    const why = all.length === 0 ? 'has no nameserver' : `lists only this server (${all.map(formatEndpoint).join(', ')})`;
    found.error(['upstreams'], `omitted, and ${resolvConf.path} ${why}: list upstreams, or set forward: false`);
  }
  return servers;
}
