/**
 * The wherez DNS server (createDnsServer, the real request path) over in-memory zones, as a
 * script for tests that need it inside a network namespace, behind other resolvers:
 * `node zone-server.js HOST PORT DOMAIN LABEL=N ...` serves, under `_wherez.<DOMAIN>`, each LABEL
 * with N peers (10.0.x.y, ports 8000+i, service LABEL over TCP) and prints `zone-server: PORT`.
 * Stops on SIGTERM.
 */
import { createDnsServer } from '../../src/dns/server.js';
import { MemoryZones, peers } from './dns-zones.js';

const [host = '127.0.0.1', port = '0', domain = 'local', ...specs] = process.argv.slice(2);
const zones = new MemoryZones();
for (const spec of specs) {
  const [label = '', n = '0'] = spec.split('=');
  // Far-off deadlines: TTLs are the zone TTL whatever the clock.
  zones.set(label, { peers: peers(Number(n), 3_600_000, Date.now()) });
}
const server = createDnsServer({ listen: [{ host, port: Number(port) }], domain, lookup: zones.lookup, labels: zones.labels });
const [bound] = await server.start();
console.log(`zone-server: ${bound?.port ?? 0}`);
process.on('SIGTERM', () => { void server.close().then(() => process.exit(0)); });
