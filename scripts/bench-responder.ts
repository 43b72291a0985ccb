/**
 * CPU cost of the DNS request path alone (createResponder: decode, classify, built-reply cache,
 * patch), no sockets: CPU nanoseconds per query, which other load on the machine disturbs far less
 * than qps. For A/B comparisons of hot-path changes when `npm run bench:dns` cannot run quietly.
 *
 *   npm run build && node dist/scripts/bench-responder.js [--queries 1000000] [--names _ldap._wherez.local,_big._wherez.local]
 *
 * Alternate runs of two builds (old, new) several times and compare medians.
 */
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { createAllowCheck } from '../src/dns/allow.js';
import { createResponder } from '../src/dns/responder.js';
import { createCounters } from '../src/dns/stats.js';
import type { ZoneSnapshot } from '../src/dns/zone-view.js';
import { silentLogger } from '../src/log.js';

const { values } = parseArgs({ options: {
  queries: { type: 'string', default: '1000000' },
  /** SRV questions, round robin; zones `ldap` (1 peer) and `big` (20 peers) exist. */
  names: { type: 'string', default: '_ldap._wherez.local,_big._wherez.local' },
}  });
const N = Number(values.queries);
const WARMUP = 200_000;
const FAR_MS = 1e12;

const zone = (label: string, n: number): ZoneSnapshot => ({
  label, ttl: 30, stale: false, version: 1,
  peers: Array.from({ length: n }, (_, i) => ({ host: `127.0.${n}.${i + 1}`, port: 389, expiresAt: Date.now() + FAR_MS })),
});
const zones = new Map([['ldap', zone('ldap', 1)], ['big', zone('big', 20)]]);
const labels = [...zones.keys()];
const respond = createResponder({
  zone: '_wherez.local', lookup: (l) => zones.get(l), labels: () => labels, allow: createAllowCheck(['127.0.0.0/8']),
  negativeTtl: 5, maxTtl: 300, now: Date.now, log: silentLogger(), counters: createCounters(),
});
const q = (name: string) => dnsPacket.encode({ type: 'query', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'SRV' }],
  additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] });
const client = { address: '127.0.0.1', transport: 'udp' } as const;
const queries = values.names.split(',').map(q);
for (let i = 0; i < WARMUP; i++) respond(queries[i % queries.length] as Buffer, client);
const start = process.cpuUsage();
for (let i = 0; i < N; i++) respond(queries[i % queries.length] as Buffer, client);
const used = process.cpuUsage(start);
console.log(`${Math.round(((used.user + used.system) * 1000) / N)} CPU ns/query over ${N} queries (${queries.length} names, SRV, EDNS)`);
