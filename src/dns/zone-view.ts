/**
 * What the DNS side sees of discovery: a read-only snapshot of a zone's verified peers. The DNS
 * modules never import discovery or the cache; the daemon hands them a `ZoneLookup`.
 */
export interface ZonePeer {
  /** Peer IP address (IPv4 or IPv6 text form). */
  readonly host: string;
  /** Authenticated application port. */
  readonly port: number;
  /**
   * ms since epoch after which this record must not be cached by clients: the peer's next
   * re-verification deadline. Answer TTLs are derived from it (and capped by the zone TTL).
   */
  readonly expiresAt: number;
}

export interface ZoneSnapshot {
  readonly label: string;
  /** Verified peers, in a stable order. */
  readonly peers: readonly ZonePeer[];
  /** Upper bound of answer TTLs for this zone, seconds. */
  readonly ttl: number;
  /**
   * true while discovery for the zone is down and the peers are the last known ones: answers
   * then carry short TTLs and say so in TXT.
   */
  readonly stale: boolean;
  /** Changes whenever `peers` or `stale` change; lets the DNS side reuse built answers. */
  readonly version: number;
}

/** Returns the zone's snapshot, or undefined when the label is not configured. */
export type ZoneLookup = (label: string) => ZoneSnapshot | undefined;

/**
 * How programs name a zone: RFC 2782 `_<service>._<proto>._wherez.<domain>`. Several zones may
 * share a service and proto; that name then answers the union of their peers.
 */
export interface ZoneService {
  readonly label: string;
  readonly service: string;
  readonly proto: 'tcp' | 'udp';
}
