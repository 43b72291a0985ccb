/**
 * The request path, bytes in -> bytes out, no sockets: read it top to bottom. Decode (guarded),
 * drop what must not be answered, refuse clients outside the allow-list, reject what we do not
 * serve, then answer from the zone (through the built-reply cache) or forward. Error replies are
 * all written by `fail`; anything thrown on the way is caught and answered SERVFAIL, so one bad
 * packet never reaches a socket handler.
 */
import type { Logger } from '../log.js';
import type { AllowCheck } from './allow.js';
import { answerZone, type InZone } from './answer.js';
import { CLASS, FLAG, RCODE, TYPE } from './dns-codes.js';
import type { Forwarder } from './forward.js';
import { classifyHostZoneName, classifyName, isServiceName } from './names.js';
import { parseQuery, type Query, type QueryError } from './query.js';
import { errorReply, fitForwarded, replyLimit, zoneReply, type Transport } from './reply.js';
import { countRcode, type DnsCounters } from './stats.js';
import { ZoneReplyCache, zoneReplyKey } from './wire-cache.js';
import type { IpAddr } from './ip.js';
import type { ZoneLookup, ZoneService } from './zone-view.js';

export interface ResponderOptions {
  /** `_wherez.<domain>`, lower case, validated. */
  zone: string;
  lookup: ZoneLookup;
  labels: () => readonly string[];
  /**
   * Service and proto per zone (RFC 2782 names). Absent: every label that is an RFC 6335 service
   * name serves `_<label>._tcp`. Return the same array until it changes: it is keyed by identity.
   */
  services?: (() => readonly ZoneService[]) | undefined;
  /** The underscore-free host zone (`host_domain`), lower case; absent: none. */
  hostZone?: string | undefined;
  /** Addresses the apex NS glue gives for `ns.<zone>` (our listeners). */
  nsAddresses?: readonly IpAddr[] | undefined;
  /** Absent: split DNS, names outside the zone are REFUSED. */
  forwarder?: Forwarder | undefined;
  allow: AllowCheck;
  negativeTtl: number;
  maxTtl: number;
  now: () => number;
  log: Logger;
  counters: DnsCounters;
}

export interface Client {
  address: string;
  transport: Transport;
}

/**
 * Zone answers come back synchronously (the hot path: no promise, no microtask per packet);
 * forwarded ones as a promise. Never throws and never rejects.
 */
export type Responder = (msg: Buffer, client: Client) => Buffer | null | Promise<Buffer | null>;

export function createResponder(opts: ResponderOptions): Responder {
  const { counters, log } = opts;
  const zoneLabels = opts.zone.split('.');
  const hostZoneLabels = opts.hostZone?.split('.');
  const nsAddresses = opts.nsAddresses ?? [];
  const serviceKeys = new WeakMap<readonly ZoneService[], string>();
  const servicesKey = (list: readonly ZoneService[]): string => {
    let key = serviceKeys.get(list);
    if (key === undefined) {
      key = list.map((s) => `${s.label}=${s.service}.${s.proto}`).join(',');
      serviceKeys.set(list, key);
    }
    return key;
  };
  const defaultServices = (labels: readonly string[]): ZoneService[] =>
    labels.filter(isServiceName).map((label) => ({ label, service: label, proto: 'tcp' }));
  const ra = opts.forwarder !== undefined;
  const cache = new ZoneReplyCache(opts.now);

  /**
   * `rcode` is the full (extended) rcode: the header keeps only its low 4 bits (BADVERS, 16, reads
   * as NOERROR there). Zone and forwarded replies never carry an extended rcode (forward-wire.ts
   * refuses upstream ones), so their header is the whole story.
   */
  const finish = (reply: Buffer, rcode = reply.readUInt16BE(2) & 0xf): Buffer => {
    countRcode(counters, rcode);
    if (reply.readUInt16BE(2) & FLAG.TC) counters.truncated++;
    return reply;
  };
  const fail = (raw: Buffer, q: Query | QueryError, rcode: number): Buffer => finish(errorReply(raw, q, rcode, ra), rcode);

  /** Everything answers depend on besides the question: labels and their snapshot versions. */
  const zoneState = (labels: readonly string[]): string =>
    labels.map((l) => `${l}:${opts.lookup(l)?.version ?? '-'}`).join(',');

  function answer(raw: Buffer, q: Query, where: InZone, apex: string, client: Client): Buffer {
    const limit = replyLimit(q.edns, client.transport);
    const labels = opts.labels();
    const services = opts.services?.();
    const state = services ? `${zoneState(labels)}|${servicesKey(services)}` : zoneState(labels);
    const key = zoneReplyKey(q, limit, state);
    const hit = cache.get(key, raw, q);
    if (hit) {
      counters.zoneCacheHits++;
      return finish(hit);
    }
    const ctx = {
      zone: opts.zone, apex, hostZone: opts.hostZone, lookup: opts.lookup, labels, services: services ?? defaultServices(labels),
      nsAddresses, negativeTtl: opts.negativeTtl, maxTtl: opts.maxTtl, now: opts.now(),
    };
    const reply = zoneReply(raw, q, answerZone(where, q.qtype, ctx), limit, ra);
    cache.set(key, reply);
    return finish(reply);
  }

  async function forward(raw: Buffer, q: Query, client: Client): Promise<Buffer> {
    const forwarder = opts.forwarder;
    if (!forwarder) return fail(raw, q, RCODE.REFUSED);
    if (forwarder.isLoop(q)) {
      counters.loopsDetected++;
      log.warn({ name: q.name, qtype: q.qtype }, 'forwarding loop: an upstream sent our own query back');
      return fail(raw, q, RCODE.SERVFAIL);
    }
    const reply = await forwarder.resolve(raw, q);
    return reply ? finish(fitForwarded(reply, raw, q, replyLimit(q.edns, client.transport))) : fail(raw, q, RCODE.SERVFAIL);
  }

  function handle(raw: Buffer, client: Client): Buffer | null | Promise<Buffer> {
    const q = parseQuery(raw);
    if (q.kind === 'drop') {
      counters.dropped++;
      return null;
    }
    if (!opts.allow(client.address)) return fail(raw, q, RCODE.REFUSED);
    if (q.kind === 'error') return fail(raw, q, q.rcode);
    // Only class IN exists here (ANY matches it); zone transfers are not offered.
    if (q.qclass !== CLASS.IN && q.qclass !== CLASS.ANY) return fail(raw, q, RCODE.REFUSED);
    if (q.qtype === TYPE.AXFR || q.qtype === TYPE.IXFR) return fail(raw, q, RCODE.REFUSED);
    const where = classifyName(q.labels, zoneLabels);
    if (where.kind !== 'outside') return answer(raw, q, where, opts.zone, client);
    const inHosts = hostZoneLabels ? classifyHostZoneName(q.labels, hostZoneLabels) : where;
    if (inHosts.kind !== 'outside') return answer(raw, q, inHosts, opts.hostZone as string, client);
    return forward(raw, q, client);
  }

  const onError = (raw: Buffer, err: unknown): Buffer | null => {
    counters.internalErrors++;
    log.error({ err }, 'dns handler failed; answering SERVFAIL');
    try {
      const q = parseQuery(raw);
      return q.kind === 'drop' ? null : fail(raw, q, RCODE.SERVFAIL);
    } catch {
      return null;
    }
  };

  return (raw, client) => {
    counters.queries++;
    counters[client.transport]++;
    try {
      const reply = handle(raw, client);
      return reply instanceof Promise ? reply.catch((err: unknown) => onError(raw, err)) : reply;
    } catch (err) {
      return onError(raw, err);
    }
  };
}
