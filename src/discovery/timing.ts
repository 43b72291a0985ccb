/**
 * Discovery timing. Every periodic DHT action is jittered so that many nodes started together
 * (a fleet rebooting, a test swarm) do not query in lockstep. All values are overridable per
 * Discovery instance so tests run on short timers instead of mocks.
 */
export interface DiscoveryTiming {
  /** Lookups while fewer than minPeers are verified: first delay, doubling up to the max. */
  lookupFastMinMs: number;
  lookupFastMaxMs: number;
  /** Lookups once minPeers are verified (new members still join). */
  lookupSlowMs: number;
  /**
   * A zone below minPeers for this long stops looking fast: its delay keeps doubling up to
   * lookupSlowMs (a zone nobody else joined would otherwise query the DHT forever at 12 lookups a
   * minute). A DNS query for the zone (wake()) still looks at once.
   */
  lookupPatienceMs: number;
  /** Re-announce our auth port; below the DHT peer maxAge so we never fall out of stores. */
  reannounceMs: number;
  /** How often a verified peer is challenged again; answer TTLs never outlive this. */
  reverifyMs: number;
  /** Consecutive failed re-verifications before a peer is reported lost. */
  lostAfterFailures: number;
  /** Delay before retrying a re-verification that failed (a single dropped SYN is no death). */
  reverifyRetryMs: number;
  /** Backoff for candidates that failed to verify: base doubling up to max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * The same for v2 dials (design 4.8: per (IP, port), 30 s doubling to 1 h). A v2 endpoint
   * that fails costs the listener elliptic-curve work and counts against its network there.
   */
  v2BackoffBaseMs: number;
  v2BackoffMaxMs: number;
  /**
   * Probe deadlines. Short, because most candidates may be junk that drops SYNs or accepts and
   * stays silent; 1.5 s still covers one lost SYN (Linux retransmits after 1 s) on a 300 ms path,
   * and a candidate that fails is simply tried again after its backoff.
   */
  connectTimeoutMs: number;
  readTimeoutMs: number;
  /** Verifications in flight per zone (first ones and re-verifications). */
  maxConcurrentProbes: number;
  /** First verifications in flight per /24 (IPv4) or /56 (IPv6); per IP it is always one. */
  maxProbesPerPrefix: number;
  /** Candidates waiting for their first verification per zone, and per IP among them. */
  maxQueuedCandidates: number;
  maxQueuedPerIp: number;
  /** Failed candidates remembered per zone for their backoff (bounds memory under garbage DHT values). */
  maxCandidates: number;
  /** Fraction of each interval added or removed at random. */
  jitter: number;
}

export const DEFAULT_TIMING: Readonly<DiscoveryTiming> = Object.freeze({
  lookupFastMinMs: 500,
  lookupFastMaxMs: 5_000,
  lookupSlowMs: 60_000,
  lookupPatienceMs: 3 * 60_000,
  reannounceMs: 10 * 60_000,
  reverifyMs: 30_000,
  lostAfterFailures: 2,
  reverifyRetryMs: 1_000,
  backoffBaseMs: 5_000,
  backoffMaxMs: 5 * 60_000,
  v2BackoffBaseMs: 30_000,
  v2BackoffMaxMs: 60 * 60_000,
  connectTimeoutMs: 1_500,
  readTimeoutMs: 2_000,
  maxConcurrentProbes: 16,
  maxProbesPerPrefix: 4,
  maxQueuedCandidates: 256,
  maxQueuedPerIp: 8,
  maxCandidates: 1024,
  jitter: 0.2,
});

/** BEP 5 stores forget peers that do not re-announce; we re-announce well within this. */
export const DHT_PEER_MAX_AGE_MS = 30 * 60_000;
/**
 * A DHT query unanswered after this fails (k-rpc-socket's default is 2 s). Round trips on the
 * Mainline DHT are 20-300 ms; the timeout is what a dead node in the tables costs a walk, and
 * walks are full of nodes that left, so a node that needs more than a second is given up on.
 */
export const DHT_QUERY_TIMEOUT_MS = 1_000;
/**
 * DHT queries in flight on the node's socket, shared by every zone's walks (k-rpc's default is
 * 16). A daemon with 100 zones starting cold runs 100 walks at once; at 16 they queue behind each
 * other for minutes at 100 ms round trips. Each query still goes to a different node, under the
 * per-destination budget (query-budget.ts).
 */
export const DHT_CONCURRENCY = 64;
/** How often the DHT routing table is saved for warm restarts. */
export const DHT_STATE_SAVE_INTERVAL_MS = 5 * 60_000;
/**
 * The routing table is first saved once it holds this many nodes (one full k-bucket) or when
 * bootstrap ends, whichever is first: a kill -9 in the first minutes then restarts warm.
 */
export const DHT_FIRST_SAVE_NODES = 8;
/** A UDP bind answers at once; this bounds the wait if the socket never reports either way. */
export const DHT_BIND_TIMEOUT_MS = 5_000;
/** Auth listener: a connection's whole life, accept to close (an honest one needs one round trip). */
export const AUTH_CONNECTION_DEADLINE_MS = 5_000;
/** Auth listener: after our answer, how long the client has to close its side before we destroy. */
export const AUTH_LINGER_MS = 1_000;
/** Auth listener: concurrent connections in all, per source IP, and per /24 or /56 (see ConnectionSlots). */
export const AUTH_MAX_CONNECTIONS = 128;
export const AUTH_MAX_CONNECTIONS_PER_IP = 8;
export const AUTH_MAX_CONNECTIONS_PER_PREFIX = 32;
/** Auth listener: a slot is handed to a fairer source only after it was held this long (see ConnectionSlots). */
export const AUTH_PREEMPT_MIN_AGE_MS = 1_000;
/**
 * Auth listener: accept queue. A flood's connections pass through it before we can refuse them;
 * Node's default of 511 overflowed under 1,000 at once and dropped an honest SYN (the kernel caps
 * it at net.core.somaxconn).
 */
export const AUTH_LISTEN_BACKLOG = 4_096;

export function jittered(ms: number, jitter: number, random: () => number = Math.random): number {
  const spread = ms * jitter;
  return Math.max(0, Math.round(ms - spread + random() * 2 * spread));
}
