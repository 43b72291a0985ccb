/**
 * The pure zone answer builder: (name, type, snapshots, now) -> records. No sockets, no clock, no
 * encoding. What exists: the apex (SOA), one service name per configured label, DNS-SD names, and
 * host / instance names for peers some zone currently lists. Everything else is NXDOMAIN; a name
 * that exists without the asked type is NODATA. Both carry the SOA (RFC 2308).
 */
import { RCODE, TYPE } from './dns-codes.js';
import { parseIp, type IpAddr } from './ip.js';
import { hostmasterName, hostName, instanceName, nsName, serviceName, servicesName, type ZoneName } from './names.js';
import type { AnswerSet, Rr } from './records.js';
import { peerTtl, setTtl, zoneTtl } from './ttl.js';
import type { ZoneLookup, ZoneSnapshot } from './zone-view.js';

export interface ZoneContext {
  /** `_wherez.<domain>`, lower case. */
  zone: string;
  lookup: ZoneLookup;
  /** Configured labels. */
  labels: readonly string[];
  negativeTtl: number;
  maxTtl: number;
  /** ms since epoch. */
  now: number;
}

export type InZone = Exclude<ZoneName, { kind: 'outside' }>;

/** A peer whose address, port and host name could all be built. */
interface UsablePeer { addr: IpAddr; port: number; host: string; ttl: number }

const SOA_TIMERS = { refresh: 3600, retry: 600, expire: 86400 };

function soa(ctx: ZoneContext): Rr {
  const ttl = Math.min(ctx.negativeTtl, ctx.maxTtl);
  // Time-derived serial: there are no secondaries; it only has to move when answers may have.
  return { type: 'SOA', name: ctx.zone, ttl, mname: nsName(ctx.zone), rname: hostmasterName(ctx.zone),
    serial: Math.floor(ctx.now / 1000) >>> 0, ...SOA_TIMERS, minimum: ctx.negativeTtl };
}

const negative = (rcode: number, ctx: ZoneContext): AnswerSet => ({ rcode, answers: [], authorities: [soa(ctx)], additionals: [] });

function positive(ctx: ZoneContext, answers: Rr[], additionals: Rr[][] = []): AnswerSet {
  return answers.length === 0 ? negative(RCODE.NOERROR, ctx) : { rcode: RCODE.NOERROR, answers, authorities: [], additionals };
}

function snapshotOf(label: string, ctx: ZoneContext): ZoneSnapshot | undefined {
  if (!ctx.labels.includes(label)) return undefined;
  // Configured but not (yet) known to the cache: a zone with no peers.
  return ctx.lookup(label) ?? { label, peers: [], ttl: ctx.maxTtl, stale: false, version: 0 };
}

function usablePeers(z: ZoneSnapshot, ctx: ZoneContext): UsablePeer[] {
  const out: UsablePeer[] = [];
  for (const p of z.peers) {
    const addr = parseIp(p.host);
    const host = addr && hostName(addr, ctx.zone);
    if (!addr || !host || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) continue;
    out.push({ addr, port: p.port, host, ttl: peerTtl(p, z, ctx.maxTtl, ctx.now) });
  }
  return out;
}

/** One address RRset per host name, living as long as the longest-lived peer entry using it. */
function hostAddresses(peers: readonly UsablePeer[]): Rr[][] {
  const byHost = new Map<string, { p: UsablePeer; ttl: number }>();
  for (const p of peers) {
    const seen = byHost.get(p.host);
    if (!seen || p.ttl > seen.ttl) byHost.set(p.host, { p, ttl: p.ttl });
  }
  return [...byHost.values()].map(({ p, ttl }) => [{ type: p.addr.family === 4 ? 'A' : 'AAAA', name: p.host, ttl, address: p.addr.bytes }]);
}

const srv = (name: string, p: UsablePeer, ttl: number): Rr => ({ type: 'SRV', name, ttl, priority: 0, weight: 0, port: p.port, target: p.host });
const staleFact = (z: ZoneSnapshot): string => `stale=${z.stale ? 1 : 0}`;

function service(label: string, qtype: number, ctx: ZoneContext): AnswerSet {
  const z = snapshotOf(label, ctx);
  const name = z && serviceName(label, ctx.zone);
  // `_udp` is also the empty non-terminal above the DNS-SD enumeration name.
  if (!z || !name) return negative(label === 'udp' ? RCODE.NOERROR : RCODE.NXDOMAIN, ctx);
  const peers = usablePeers(z, ctx);
  const ttl = setTtl(peers.map((p) => p.ttl), Math.min(zoneTtl(z, ctx.maxTtl), ctx.negativeTtl));
  switch (qtype) {
    case TYPE.SRV:
    case TYPE.ANY:
      return positive(ctx, peers.map((p) => srv(name, p, ttl)), hostAddresses(peers));
    case TYPE.A:
    case TYPE.AAAA: {
      const family = qtype === TYPE.A ? 4 : 6;
      const seen = new Set<string>();
      const answers: Rr[] = [];
      for (const p of peers) {
        if (p.addr.family !== family || seen.has(p.addr.label)) continue;
        seen.add(p.addr.label);
        answers.push({ type: family === 4 ? 'A' : 'AAAA', name, ttl, address: p.addr.bytes });
      }
      return positive(ctx, answers);
    }
    case TYPE.TXT:
      // Exists even with zero peers: "peers=0 stale=0" (nobody found yet) is exactly what an operator wants to see.
      return positive(ctx, [{ type: 'TXT', name, ttl, strings: [`peers=${peers.length}`, staleFact(z)] }]);
    case TYPE.PTR: {
      const answers: Rr[] = [];
      const srvs: Rr[][] = [];
      const txts: Rr[][] = [];
      for (const p of peers) {
        const inst = instanceName(p.addr, p.port, label, ctx.zone);
        if (!inst) continue;
        answers.push({ type: 'PTR', name, ttl, target: inst });
        srvs.push([srv(inst, p, p.ttl)]);
        txts.push([{ type: 'TXT', name: inst, ttl: p.ttl, strings: [staleFact(z)] }]);
      }
      return positive(ctx, answers, [...srvs, ...txts, ...hostAddresses(peers)]);
    }
    default:
      return negative(RCODE.NOERROR, ctx);
  }
}

function instance(where: Extract<ZoneName, { kind: 'instance' }>, qtype: number, ctx: ZoneContext): AnswerSet {
  const z = snapshotOf(where.label, ctx);
  const p = z && usablePeers(z, ctx).find((u) => u.addr.label === where.addr.label && u.port === where.port);
  const name = p && instanceName(p.addr, p.port, where.label, ctx.zone);
  if (!z || !p || !name) return negative(RCODE.NXDOMAIN, ctx);
  if (qtype === TYPE.SRV || qtype === TYPE.ANY) return positive(ctx, [srv(name, p, p.ttl)], hostAddresses([p]));
  if (qtype === TYPE.TXT) return positive(ctx, [{ type: 'TXT', name, ttl: p.ttl, strings: [staleFact(z)] }]);
  return negative(RCODE.NOERROR, ctx);
}

function host(addr: IpAddr, qtype: number, ctx: ZoneContext): AnswerSet {
  const matches: UsablePeer[] = [];
  for (const label of ctx.labels) {
    const z = snapshotOf(label, ctx);
    if (z) matches.push(...usablePeers(z, ctx).filter((u) => u.addr.label === addr.label));
  }
  if (matches.length === 0) return negative(RCODE.NXDOMAIN, ctx);
  const wanted = addr.family === 4 ? TYPE.A : TYPE.AAAA;
  if (qtype !== wanted && qtype !== TYPE.ANY) return negative(RCODE.NOERROR, ctx);
  return positive(ctx, hostAddresses(matches).flat());
}

function services(qtype: number, ctx: ZoneContext): AnswerSet {
  if (qtype !== TYPE.PTR && qtype !== TYPE.ANY) return negative(RCODE.NOERROR, ctx);
  const owner = servicesName(ctx.zone);
  const targets: string[] = [];
  const ttls: number[] = [];
  for (const label of ctx.labels) {
    const target = serviceName(label, ctx.zone);
    const z = snapshotOf(label, ctx);
    if (!target || !z) continue;
    targets.push(target);
    ttls.push(zoneTtl(z, ctx.maxTtl));
  }
  const ttl = setTtl(ttls, 0);
  return positive(ctx, targets.map((target): Rr => ({ type: 'PTR', name: owner, ttl, target })));
}

export function answerZone(where: InZone, qtype: number, ctx: ZoneContext): AnswerSet {
  switch (where.kind) {
    case 'apex':
      // NS is NODATA by choice: the zone is synthesized locally and never delegated.
      return qtype === TYPE.SOA || qtype === TYPE.ANY ? positive(ctx, [soa(ctx)]) : negative(RCODE.NOERROR, ctx);
    case 'service':
      return service(where.label, qtype, ctx);
    case 'instance':
      return instance(where, qtype, ctx);
    case 'host':
      return host(where.addr, qtype, ctx);
    case 'services':
      return services(qtype, ctx);
    case 'ent':
      return negative(RCODE.NOERROR, ctx);
    case 'unknown':
      return negative(RCODE.NXDOMAIN, ctx);
  }
}
