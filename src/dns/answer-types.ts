/**
 * The names programs build themselves (RFC 2782 `_<service>._<proto>.<domain>`) and DNS-SD
 * done as RFC 6763 says: service types, their instances with SRV and key=value TXT, browse
 * domains. Zones sharing a service and proto answer as one: the union of their peers, each
 * address:port once (documented in docs/dns.md; never an arbitrary pick of one zone).
 */
import { RCODE, TYPE } from './dns-codes.js';
import { browseName, labelHostName, serviceTypeName, servicesName, typeInstanceName, type ZoneName } from './names.js';
import type { AnswerSet, Rr } from './records.js';
import { setTtl, zoneTtl } from './ttl.js';
import {
  hostAddresses, negative, positive, snapshotOf, srv, staleFact, usablePeers,
  type UsablePeer, type ZoneContext,
} from './answer-parts.js';
import type { ZoneSnapshot } from './zone-view.js';

/** A peer of a service type, with the (first, in config order) zone that lists it. */
interface TypePeer extends UsablePeer { zone: ZoneSnapshot }

interface TypeView {
  peers: TypePeer[];
  /** The set TTL when there are no peers (a negative answer's lifetime). */
  emptyTtl: number;
}

/** The zones serving `_<service>._<proto>`, merged; undefined when no configured zone does. */
function typeView(service: string, proto: string, ctx: ZoneContext, onlyLabel?: string): TypeView | undefined {
  const byEndpoint = new Map<string, TypePeer>();
  const caps: number[] = [];
  for (const s of ctx.services) {
    if (s.service !== service || s.proto !== proto || (onlyLabel !== undefined && s.label !== onlyLabel)) continue;
    const z = snapshotOf(s.label, ctx);
    if (!z) continue;
    caps.push(zoneTtl(z, ctx.maxTtl));
    for (const p of usablePeers(z, ctx)) {
      const key = `${p.addr.label}|${p.port}`;
      const seen = byEndpoint.get(key);
      // One endpoint verified in several zones lives as long as its longest-lived entry.
      if (!seen) byEndpoint.set(key, { ...p, zone: z });
      else if (p.ttl > seen.ttl) seen.ttl = p.ttl;
    }
  }
  if (caps.length === 0) return undefined;
  return { peers: [...byEndpoint.values()], emptyTtl: Math.min(...caps, ctx.negativeTtl) };
}

/** RFC 6763 6: key=value strings; `txtvers` first (6.7), the zone label, stale 0/1. */
const instanceTxt = (name: string, p: TypePeer): Rr =>
  ({ type: 'TXT', name, ttl: p.ttl, strings: ['txtvers=1', `zone=${p.zone.label}`, staleFact(p.zone)] });

function srvSet(name: string, view: TypeView, ctx: ZoneContext): AnswerSet {
  const ttl = setTtl(view.peers.map((p) => p.ttl), view.emptyTtl);
  return positive(ctx, view.peers.map((p) => srv(name, p, ttl)), hostAddresses(view.peers));
}

/** `_<service>._<proto>.<zone>`: SRV (RFC 2782) and PTR to instances (RFC 6763 4). */
export function type(where: Extract<ZoneName, { kind: 'type' }>, qtype: number, ctx: ZoneContext): AnswerSet {
  const view = typeView(where.service, where.proto, ctx);
  const name = view && serviceTypeName(where.service, where.proto, ctx.zone);
  if (!view || !name) return negative(RCODE.NXDOMAIN, ctx);
  if (qtype === TYPE.SRV || qtype === TYPE.ANY) return srvSet(name, view, ctx);
  if (qtype !== TYPE.PTR) return negative(RCODE.NOERROR, ctx);
  const ttl = setTtl(view.peers.map((p) => p.ttl), view.emptyTtl);
  const answers: Rr[] = [];
  const srvs: Rr[][] = [];
  const txts: Rr[][] = [];
  for (const p of view.peers) {
    const inst = typeInstanceName(p.addr, p.port, where.service, where.proto, ctx.zone);
    if (!inst) continue;
    answers.push({ type: 'PTR', name, ttl, target: inst });
    srvs.push([srv(inst, p, p.ttl)]);
    txts.push([instanceTxt(inst, p)]);
  }
  return positive(ctx, answers, [...srvs, ...txts, ...hostAddresses(view.peers)]);
}

/** `i-<address>-<port>._<service>._<proto>.<zone>`: one DNS-SD instance, SRV and TXT. */
export function typeInstance(where: Extract<ZoneName, { kind: 'type-instance' }>, qtype: number, ctx: ZoneContext): AnswerSet {
  const view = typeView(where.service, where.proto, ctx);
  const p = view?.peers.find((u) => u.addr.label === where.addr.label && u.port === where.port);
  const name = p && typeInstanceName(p.addr, p.port, where.service, where.proto, ctx.zone);
  if (!p || !name) return negative(RCODE.NXDOMAIN, ctx);
  if (qtype === TYPE.SRV || qtype === TYPE.ANY) return positive(ctx, [srv(name, p, p.ttl)], hostAddresses([p]));
  if (qtype === TYPE.TXT) return positive(ctx, [instanceTxt(name, p)]);
  return negative(RCODE.NOERROR, ctx);
}

/** `_<service>._<proto>.<label>.<zone>`: that one zone's SRV (what mongodb+srv://<label>.<zone> asks). */
export function labelType(where: Extract<ZoneName, { kind: 'label-type' }>, qtype: number, ctx: ZoneContext): AnswerSet {
  // Targets stay under `_wherez.<domain>` even with host_domain: mongodb+srv (and the drivers
  // copying its rule) reject SRV targets outside the parent domain of the host in the URL.
  const view = typeView(where.service, where.proto, { ...ctx, hostZone: undefined }, where.label);
  const base = view && labelHostName(where.label, ctx.zone);
  const name = base && serviceTypeName(where.service, where.proto, base);
  if (!view || !name) return negative(RCODE.NXDOMAIN, ctx);
  return qtype === TYPE.SRV || qtype === TYPE.ANY ? srvSet(name, view, ctx) : negative(RCODE.NOERROR, ctx);
}

/**
 * `<label>.<zone>` and `_<proto>.<label>.<zone>` exist (they lead to the name above) and hold no
 * records: a TXT there would be read as connection options by the MongoDB driver.
 */
export function labelHost(where: Extract<ZoneName, { kind: 'label-host' }>, ctx: ZoneContext): AnswerSet {
  const exists = ctx.services.some((s) => s.label === where.label && (where.proto === undefined || s.proto === where.proto));
  return negative(exists && snapshotOf(where.label, ctx) ? RCODE.NOERROR : RCODE.NXDOMAIN, ctx);
}

/** `_services._dns-sd._udp.<zone>` (RFC 6763 9): PTR to every service type served. */
export function serviceTypes(qtype: number, ctx: ZoneContext): AnswerSet {
  if (qtype !== TYPE.PTR && qtype !== TYPE.ANY) return negative(RCODE.NOERROR, ctx);
  const targets = new Set<string>();
  const ttls: number[] = [];
  for (const s of ctx.services) {
    const target = serviceTypeName(s.service, s.proto, ctx.zone);
    const z = snapshotOf(s.label, ctx);
    if (!target || !z) continue;
    targets.add(target);
    ttls.push(zoneTtl(z, ctx.maxTtl));
  }
  const ttl = setTtl(ttls, 0);
  return positive(ctx, [...targets].map((target): Rr => ({ type: 'PTR', name: servicesName(ctx.zone), ttl, target })));
}

/** `b` / `db` / `lb._dns-sd._udp.<zone>` (RFC 6763 11): browse this zone. */
export function browse(where: Extract<ZoneName, { kind: 'browse' }>, qtype: number, ctx: ZoneContext): AnswerSet {
  if (qtype !== TYPE.PTR && qtype !== TYPE.ANY) return negative(RCODE.NOERROR, ctx);
  return positive(ctx, [{ type: 'PTR', name: browseName(where.which, ctx.zone), ttl: ctx.maxTtl, target: ctx.zone }]);
}
