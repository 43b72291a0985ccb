import { Counter, Gauge, Registry } from 'prom-client';
import type { DaemonStatus } from '../daemon.js';

type Labels = Record<string, string>;

/** A counter whose value is read from the daemon at scrape time (the hot paths keep plain ints). */
function readCounter(reg: Registry, name: string, help: string, labelNames: string[], read: (s: DaemonStatus) => Array<[Labels, number]>, status: () => DaemonStatus) {
  new Counter({
    name, help, labelNames, registers: [reg],
    collect(this: Counter) {
      this.reset();
      for (const [labels, v] of read(status())) if (v > 0) this.inc(labels, v);
    },
  });
}

function readGauge(reg: Registry, name: string, help: string, labelNames: string[], read: (s: DaemonStatus) => Array<[Labels, number]>, status: () => DaemonStatus) {
  new Gauge({
    name, help, labelNames, registers: [reg],
    collect(this: Gauge) {
      this.reset();
      for (const [labels, v] of read(status())) this.set(labels, v);
    },
  });
}

/**
 * Prometheus metrics (prom-client), one registry per daemon, read from `status()` at scrape time.
 * Labels are zone labels, rcodes and failure reasons: never a passphrase, never a peer address.
 */
export function createMetrics(status: () => DaemonStatus): Registry {
  const reg = new Registry();
  const perZone = (f: (z: DaemonStatus['zones'][number]) => number) => (s: DaemonStatus): Array<[Labels, number]> =>
    s.zones.map((z) => [{ zone: z.label }, f(z)]);
  const dns = (f: (c: NonNullable<DaemonStatus['dns']>) => number) => (s: DaemonStatus): Array<[Labels, number]> => (s.dns ? [[{}, f(s.dns)]] : []);

  readGauge(reg, 'wherez_zone_peers', 'Verified peers served for the zone', ['zone'], perZone((z) => z.peers.length), status);
  readGauge(reg, 'wherez_zone_stale', '1 while the zone is served stale because discovery is down', ['zone'], perZone((z) => Number(z.stale)), status);
  readCounter(reg, 'wherez_discovery_lookups_total', 'DHT lookups started', ['zone'], perZone((z) => z.discovery.lookups), status);
  readCounter(reg, 'wherez_discovery_announces_total', 'DHT announces sent', ['zone'], perZone((z) => z.discovery.announces), status);
  readCounter(reg, 'wherez_discovery_probes_total', 'Challenges sent to candidates and peers', ['zone'], perZone((z) => z.discovery.probes), status);
  readCounter(reg, 'wherez_discovery_verified_total', 'Peers verified for the first time', ['zone'], perZone((z) => z.discovery.verified), status);
  readCounter(reg, 'wherez_discovery_lost_total', 'Peers lost after failed re-verifications', ['zone'], perZone((z) => z.discovery.lost), status);
  readCounter(reg, 'wherez_discovery_failures_total', 'Failed verifications by reason', ['zone', 'reason'],
    (s) => s.zones.flatMap((z) => Object.entries(z.discovery.failures).map(([reason, v]): [Labels, number] => [{ zone: z.label, reason }, v ?? 0])), status);
  readCounter(reg, 'wherez_discovery_self_contacts_total', 'Contacts that were our own listener (expected; not failures)', ['zone'], perZone((z) => z.discovery.selfContacts), status);
  readCounter(reg, 'wherez_discovery_relists_total', 'Lookups started at once because a sibling we do not list dialled us', ['zone'], perZone((z) => z.discovery.relists), status);
  readCounter(reg, 'wherez_discovery_dial_backs_total', 'Lost peers dialled at once because their address dialled us', ['zone'], perZone((z) => z.discovery.dialBacks), status);
  readCounter(reg, 'wherez_discovery_relists_held_back_total', 'Relists and dial-backs refused by their rate limits', ['zone'], perZone((z) => z.discovery.relistsHeldBack), status);
  readCounter(reg, 'wherez_auth_answered_total', 'Challenges answered by the auth listener', ['zone'], perZone((z) => z.auth?.answered ?? 0), status);
  readCounter(reg, 'wherez_auth_rejected_total', 'Auth connections dropped (junk, deadline, over the source share or cap, preempted by a fairer source, over the network\'s v2 handshake rate, network banned)', ['zone'],
    perZone((z) => (z.auth ? z.auth.junk + z.auth.timeouts + z.auth.overCap + z.auth.preempted + z.auth.rateLimited + z.auth.banned : 0)), status);
  readCounter(reg, 'wherez_auth_network_limited_total', 'Auth connections closed by the limits per /24 or /56 of a v2 port: over the handshake rate (rate) or from a banned network (banned)', ['zone', 'reason'],
    (s) => s.zones.flatMap((z): Array<[Labels, number]> => (z.auth ? [[{ zone: z.label, reason: 'rate' }, z.auth.rateLimited], [{ zone: z.label, reason: 'banned' }, z.auth.banned]] : [])), status);
  readCounter(reg, 'wherez_auth_network_bans_total', 'Networks (/24 or /56) banned from a v2 auth port because their handshakes kept failing', ['zone'], perZone((z) => z.auth?.bans ?? 0), status);
  readCounter(reg, 'wherez_v2_unattested_dials_total', 'v2 members that reached this listener at an address it does not attest (they do not list it there)', ['zone'],
    perZone((z) => z.v2?.listener.v2Unattested ?? 0), status);
  readCounter(reg, 'wherez_v2_handshakes_total', 'v2 handshakes this listener completed', ['zone'], perZone((z) => z.v2?.listener.v2Completed ?? 0), status);
  readGauge(reg, 'wherez_dht_nodes', 'Nodes in the DHT routing table', [], (s) => [[{}, s.dht.nodes]], status);
  readCounter(reg, 'wherez_dht_garbage_contacts_total', 'Unusable DHT contacts dropped', [], (s) => [[{}, s.dht.garbageContacts]], status);
  readCounter(reg, 'wherez_dht_out_of_scope_contacts_total', 'DHT contacts never dialled: a loopback, link-local or private host named by a less local node', [], (s) => [[{}, s.dht.outOfScopeContacts]], status);
  readCounter(reg, 'wherez_dht_queries_sent_total', 'DHT queries sent (every kind: walks, announces, table upkeep)', [], (s) => [[{}, s.dht.queriesSent]], status);
  readCounter(reg, 'wherez_dht_queries_held_back_total', 'DHT queries not sent: their destination had no budget left', [], (s) => [[{}, s.dht.queriesHeldBack]], status);
  readCounter(reg, 'wherez_dns_queries_total', 'DNS packets received', [], dns((c) => c.queries), status);
  readCounter(reg, 'wherez_dns_responses_total', 'DNS replies by rcode', ['rcode'],
    (s) => Object.entries(s.dns?.rcodes ?? {}).map(([rcode, v]): [Labels, number] => [{ rcode }, v]), status);
  readCounter(reg, 'wherez_dns_truncated_total', 'UDP replies sent with TC', [], dns((c) => c.truncated), status);
  readCounter(reg, 'wherez_dns_dropped_total', 'DNS packets dropped unanswered', [], dns((c) => c.dropped), status);
  readCounter(reg, 'wherez_dns_forwarded_total', 'Upstream exchanges started', [], dns((c) => c.forwarded), status);
  readCounter(reg, 'wherez_dns_forward_failures_total', 'Upstream exchanges without a usable answer', [], dns((c) => c.forwardFailures), status);
  readCounter(reg, 'wherez_dns_cache_hits_total', 'Replies served from the built-answer or forward cache', [], dns((c) => c.zoneCacheHits + c.forwardCacheHits), status);
  readCounter(reg, 'wherez_dns_tcp_query_deadlines_total', 'TCP connections closed because a started query did not arrive whole in time', [],
    dns((c) => c.tcpQueryDeadlines), status);
  readCounter(reg, 'wherez_dns_tcp_connections_dropped_total', 'TCP connections closed for fairness: over their source\'s share (refused) or slot given to a quieter network (preempted)', ['reason'],
    (s) => (s.dns ? [[{ reason: 'refused' }, s.dns.tcpConnectionsRefused], [{ reason: 'preempted' }, s.dns.tcpConnectionsPreempted]] : []), status);
  readCounter(reg, 'wherez_dns_internal_errors_total', 'Handler failures answered SERVFAIL (should stay 0)', [], dns((c) => c.internalErrors), status);
  return reg;
}

