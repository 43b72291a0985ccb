/**
 * The pieces every zone answer is built from: the context, SOA and negative answers, usable
 * peers and their address records. Pure: no sockets, no clock, no encoding.
 */
import { RCODE } from './dns-codes.js';
import { parseIp, type IpAddr } from './ip.js';
import { hostmasterName, hostName, nsName, type ZoneName } from './names.js';
import type { AnswerSet, Rr } from './records.js';
import { peerTtl } from './ttl.js';
import type { ZoneLookup, ZoneService, ZoneSnapshot } from './zone-view.js';

export interface ZoneContext {
  /** `_wherez.<domain>`, lower case. */
  zone: string;
  /** The apex of the zone the question is in: `zone`, or `hostZone` (its SOA and NS). */
  apex: string;
  /** The underscore-free host zone (`host_domain`); when set, SRV targets are its host names. */
  hostZone: string | undefined;
  lookup: ZoneLookup;
  /** Configured labels. */
  labels: readonly string[];
  /** Service and proto of the configured zones that have a service name. */
  services: readonly ZoneService[];
  /** Addresses of `ns.<apex>`, the name server the NS record names (our own listeners). */
  nsAddresses: readonly IpAddr[];
  negativeTtl: number;
  maxTtl: number;
  /** ms since epoch. */
  now: number;
}

export type InZone = Exclude<ZoneName, { kind: 'outside' }>;

/** A peer whose address, port and host name could all be built. */
export interface UsablePeer { addr: IpAddr; port: number; host: string; ttl: number }

const SOA_TIMERS = { refresh: 3600, retry: 600, expire: 86400 };

export function soa(ctx: ZoneContext): Rr {
  const ttl = Math.min(ctx.negativeTtl, ctx.maxTtl);
  // Time-derived serial: there are no secondaries; it only has to move when answers may have.
  return { type: 'SOA', name: ctx.apex, ttl, mname: nsName(ctx.apex), rname: hostmasterName(ctx.apex),
    serial: Math.floor(ctx.now / 1000) >>> 0, ...SOA_TIMERS, minimum: ctx.negativeTtl };
}

export const negative = (rcode: number, ctx: ZoneContext): AnswerSet => ({ rcode, answers: [], authorities: [soa(ctx)], additionals: [] });

export function positive(ctx: ZoneContext, answers: Rr[], additionals: Rr[][] = []): AnswerSet {
  return answers.length === 0 ? negative(RCODE.NOERROR, ctx) : { rcode: RCODE.NOERROR, answers, authorities: [], additionals };
}

export function snapshotOf(label: string, ctx: ZoneContext): ZoneSnapshot | undefined {
  if (!ctx.labels.includes(label)) return undefined;
  // Configured but not (yet) known to the cache: a zone with no peers.
  return ctx.lookup(label) ?? { label, peers: [], ttl: ctx.maxTtl, stale: false, version: 0 };
}

export function usablePeers(z: ZoneSnapshot, ctx: ZoneContext): UsablePeer[] {
  const out: UsablePeer[] = [];
  for (const p of z.peers) {
    const addr = parseIp(p.host);
    const host = addr && hostName(addr, ctx.hostZone ?? ctx.zone);
    if (!addr || !host || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) continue;
    out.push({ addr, port: p.port, host, ttl: peerTtl(p, z, ctx.maxTtl, ctx.now) });
  }
  return out;
}

/** One address RRset per host name, living as long as the longest-lived peer entry using it. */
export function hostAddresses(peers: readonly UsablePeer[]): Rr[][] {
  const byHost = new Map<string, { p: UsablePeer; ttl: number }>();
  for (const p of peers) {
    const seen = byHost.get(p.host);
    if (!seen || p.ttl > seen.ttl) byHost.set(p.host, { p, ttl: p.ttl });
  }
  return [...byHost.values()].map(({ p, ttl }) => [address(p.host, p.addr, ttl)]);
}

export const address = (name: string, addr: IpAddr, ttl: number): Rr =>
  ({ type: addr.family === 4 ? 'A' : 'AAAA', name, ttl, address: addr.bytes });
export const srv = (name: string, p: UsablePeer, ttl: number): Rr => ({ type: 'SRV', name, ttl, priority: 0, weight: 0, port: p.port, target: p.host });
export const staleFact = (z: Pick<ZoneSnapshot, 'stale'>): string => `stale=${z.stale ? 1 : 0}`;
