import { TokenBuckets } from '../net/token-buckets.js';

/**
 * DHT queries we send to one node (IP and port): sustained rate and burst. Mainline
 * implementations rate-limit and then block IPs that query them too often (libtorrent's default:
 * 5 queries a second per IP, so we stay below it); a daemon with many zones walks often, and its walks share the nodes
 * near the start of each. Keyed by endpoint, not IP: one public IP rarely runs two DHT nodes,
 * while a loopback swarm runs all of its nodes on one.
 */
export const DHT_QUERIES_PER_DESTINATION_PER_S = 4;
export const DHT_QUERY_BURST_PER_DESTINATION = 40;
/** Destinations remembered (an evicted one starts with a full bucket again: bounded memory). */
const MAX_DESTINATIONS = 4096;

/** A token bucket per destination endpoint (net/token-buckets.ts). Pure apart from `now`. */
export class QueryBudget {
  private readonly buckets: TokenBuckets;
  /** Queries refused because their destination had no budget left. */
  refused = 0;
  /** Queries let through (sent): what this node costs the DHT, for status and benchmarks. */
  sent = 0;

  constructor(now: () => number = Date.now, perSecond = DHT_QUERIES_PER_DESTINATION_PER_S, burst = DHT_QUERY_BURST_PER_DESTINATION) {
    this.buckets = new TokenBuckets({ perSecond, burst, maxKeys: MAX_DESTINATIONS }, now);
  }

  /** true (and one token spent) when a query to `destination` (host:port) may go out now. */
  take(destination: string): boolean {
    if (!this.buckets.take(destination)) { this.refused++; return false; }
    this.sent++;
    return true;
  }
}
