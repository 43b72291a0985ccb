/** Plain counters, mutated in place on the hot path and copied out by `DnsServer.stats()`. */
import { rcodeName } from './dns-codes.js';

export interface DnsCounters {
  /** Packets received (UDP datagrams and TCP frames). */
  queries: number;
  udp: number;
  tcp: number;
  /** Not answered at all: shorter than a header, or a response (QR=1). */
  dropped: number;
  /** Replies sent, by rcode name (NOERROR, NXDOMAIN, REFUSED, ...). */
  rcodes: Record<string, number>;
  /** Replies sent with TC set. */
  truncated: number;
  /** Zone replies served from the built-reply cache. */
  zoneCacheHits: number;
  /** Distinct upstream exchanges started. */
  forwarded: number;
  forwardCacheHits: number;
  /** Exchanges that ended without a usable upstream answer. */
  forwardFailures: number;
  loopsDetected: number;
  /** Handler failures caught and answered SERVFAIL: should stay 0. */
  internalErrors: number;
  tcpConnections: number;
  tcpConnectionsOpen: number;
  /** TCP connections closed because a started query did not arrive whole in time (slow clients). */
  tcpQueryDeadlines: number;
  /** TCP connections closed on accept: their source's share (IP or prefix) or every slot was taken. */
  tcpConnectionsRefused: number;
  /** TCP connections closed to give their slot to a source holding fewer (the busiest prefix's oldest). */
  tcpConnectionsPreempted: number;
}

export function createCounters(): DnsCounters {
  return {
    queries: 0, udp: 0, tcp: 0, dropped: 0, rcodes: {}, truncated: 0, zoneCacheHits: 0, forwarded: 0,
    forwardCacheHits: 0, forwardFailures: 0, loopsDetected: 0, internalErrors: 0, tcpConnections: 0, tcpConnectionsOpen: 0,
    tcpQueryDeadlines: 0, tcpConnectionsRefused: 0, tcpConnectionsPreempted: 0,
  };
}

export function countRcode(c: DnsCounters, rcode: number): void {
  const name = rcodeName(rcode);
  c.rcodes[name] = (c.rcodes[name] ?? 0) + 1;
}

export function snapshotCounters(c: DnsCounters): DnsCounters {
  return { ...c, rcodes: { ...c.rcodes } };
}
