import { Resolver } from 'node:dns/promises';
import { createDnsServer, type DnsServer, type DnsServerOptions } from '../../src/dns/server.js';
import type { MemoryZones } from './dns-zones.js';

/** A DNS server on 127.0.0.1, port 0, over in-memory zones. Close it in the test's `after`/finally. */
export async function startDnsServer(zones: MemoryZones, o: Partial<DnsServerOptions> = {}): Promise<{ server: DnsServer; port: number }> {
  const server = createDnsServer({ listen: [{ host: '127.0.0.1', port: 0 }], lookup: zones.lookup, labels: zones.labels, ...o });
  const bound = await server.start();
  return { server, port: (bound[0] as { port: number }).port };
}

/** Node's own stub resolver (c-ares) pointed at our server: what applications use. */
export function nodeResolver(port: number): Resolver {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
}
