/**
 * Answer TTLs. A peer is never promised beyond its re-verification deadline, nor beyond the zone's
 * or the server's cap; while discovery is down (stale) caches must come back soon.
 */
import type { ZonePeer, ZoneSnapshot } from './zone-view.js';

/** Upper bound of every TTL while a zone's snapshot is stale, seconds. */
export const STALE_TTL_S = 5;
/** RFC 2181 8: TTLs are 31-bit. */
const MAX_TTL_S = 0x7fffffff;

function clamp(ttl: number): number {
  return Number.isFinite(ttl) ? Math.min(MAX_TTL_S, Math.max(0, Math.floor(ttl))) : 0;
}

/** The zone-level cap: min(zone TTL, server maxTtl), shortened while stale. */
export function zoneTtl(zone: Pick<ZoneSnapshot, 'ttl' | 'stale'>, maxTtl: number): number {
  const t = Math.min(zone.ttl, maxTtl);
  return clamp(zone.stale ? Math.min(STALE_TTL_S, t) : t);
}

/**
 * max(0, min(zone.ttl, maxTtl, whole seconds until expiresAt)). 0 ("use once, do not cache",
 * RFC 1035 3.2.1) for a peer already past its deadline: still our best answer, but not cacheable.
 * While stale, the deadline means nothing (discovery is down, so failed checks keep the peer
 * without moving it): last known peers get the stale TTL, short but cacheable, as documented.
 */
export function peerTtl(peer: ZonePeer, zone: Pick<ZoneSnapshot, 'ttl' | 'stale'>, maxTtl: number, now: number): number {
  if (zone.stale) return zoneTtl(zone, maxTtl);
  return clamp(Math.min(zoneTtl(zone, maxTtl), (peer.expiresAt - now) / 1000));
}

/**
 * RFC 2181 5.2: all records of an RRset carry one TTL. A set built from several peers lives as
 * long as its shortest-lived member.
 */
export function setTtl(ttls: readonly number[], fallback: number): number {
  return ttls.length === 0 ? clamp(fallback) : clamp(ttls.reduce((a, b) => Math.min(a, b), Infinity));
}
