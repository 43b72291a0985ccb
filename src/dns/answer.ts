/**
 * The pure zone answer builder: (name, type, snapshots, now) -> records. No sockets, no clock, no
 * encoding. What exists: the apex (SOA, NS) and its name server, one `_<label>` name per
 * configured zone with its DNS-SD instances, the RFC 2782 / RFC 6763 names (answer-types.ts), and
 * host names for peers some zone currently lists. Everything else is NXDOMAIN; a name that exists
 * without the asked type is NODATA. Both carry the SOA (RFC 2308).
 */
import { RCODE, TYPE } from './dns-codes.js';
import type { IpAddr } from './ip.js';
import { hostName, instanceName, nsName, serviceName, type ZoneName } from './names.js';
import type { AnswerSet, Rr } from './records.js';
import { setTtl, zoneTtl } from './ttl.js';
import {
  address, hostAddresses, negative, positive, snapshotOf, soa, srv, staleFact, usablePeers,
  type InZone, type UsablePeer, type ZoneContext,
} from './answer-parts.js';
import { browse, labelHost, labelType, serviceTypes, type, typeInstance } from './answer-types.js';

export type { InZone, ZoneContext } from './answer-parts.js';

function service(label: string, qtype: number, ctx: ZoneContext): AnswerSet {
  const z = snapshotOf(label, ctx);
  const name = z && serviceName(label, ctx.zone);
  if (!z || !name) {
    // `_udp` (above the DNS-SD enumeration name) and `_tcp` / `_udp` above the service types are
    // empty non-terminals unless a zone is labelled so.
    const ent = label === 'udp' || ctx.services.some((s) => s.proto === label);
    return negative(ent ? RCODE.NOERROR : RCODE.NXDOMAIN, ctx);
  }
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
        answers.push(address(name, p.addr, ttl));
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

/** `h-<address>` in either zone: exists while some zone lists a peer at that address. */
function host(addr: IpAddr, qtype: number, ctx: ZoneContext): AnswerSet {
  const matches: UsablePeer[] = [];
  for (const label of ctx.labels) {
    const z = snapshotOf(label, ctx);
    if (z) matches.push(...usablePeers(z, ctx).filter((u) => u.addr.label === addr.label));
  }
  const owner = hostName(addr, ctx.apex);
  if (matches.length === 0 || !owner) return negative(RCODE.NXDOMAIN, ctx);
  const wanted = addr.family === 4 ? TYPE.A : TYPE.AAAA;
  if (qtype !== wanted && qtype !== TYPE.ANY) return negative(RCODE.NOERROR, ctx);
  return positive(ctx, [address(owner, addr, setTtl([], Math.max(...matches.map((m) => m.ttl))))]);
}

/** The apex NS names `ns.<apex>`, whose addresses (our listeners) go along as glue. */
function nameServer(ctx: ZoneContext): { ns: Rr; glue: Rr[] } {
  const name = nsName(ctx.apex);
  return { ns: { type: 'NS', name: ctx.apex, ttl: ctx.maxTtl, target: name }, glue: ctx.nsAddresses.map((a) => address(name, a, ctx.maxTtl)) };
}

function apex(qtype: number, ctx: ZoneContext): AnswerSet {
  if (qtype === TYPE.SOA || qtype === TYPE.ANY) return positive(ctx, [soa(ctx)]);
  if (qtype !== TYPE.NS) return negative(RCODE.NOERROR, ctx);
  const { ns, glue } = nameServer(ctx);
  return positive(ctx, [ns], glue.map((g) => [g]));
}

function ns(qtype: number, ctx: ZoneContext): AnswerSet {
  const { glue } = nameServer(ctx);
  const v4 = glue.filter((g) => g.type === 'A');
  const v6 = glue.filter((g) => g.type === 'AAAA');
  if (qtype === TYPE.A) return positive(ctx, v4);
  if (qtype === TYPE.AAAA) return positive(ctx, v6);
  // ANY (RFC 8482): one RRset.
  return qtype === TYPE.ANY ? positive(ctx, v4.length > 0 ? v4 : v6) : negative(RCODE.NOERROR, ctx);
}

export function answerZone(where: InZone, qtype: number, ctx: ZoneContext): AnswerSet {
  switch (where.kind) {
    case 'apex':
      return apex(qtype, ctx);
    case 'ns':
      return ns(qtype, ctx);
    case 'service':
      return service(where.label, qtype, ctx);
    case 'instance':
      return instance(where, qtype, ctx);
    case 'host':
      return host(where.addr, qtype, ctx);
    case 'services':
      return serviceTypes(qtype, ctx);
    case 'type':
      return type(where, qtype, ctx);
    case 'type-instance':
      return typeInstance(where, qtype, ctx);
    case 'label-type':
      return labelType(where, qtype, ctx);
    case 'label-host':
      return labelHost(where, ctx);
    case 'browse':
      return browse(where, qtype, ctx);
    case 'ent':
      return negative(RCODE.NOERROR, ctx);
    case 'unknown':
      return negative(RCODE.NXDOMAIN, ctx);
  }
}
