/**
 * Forwarding of names outside the zone: cache first, then the upstreams in order (healthy ones
 * first), each over UDP with a TCP retry after TC, each bounded by an attempt timeout, all bounded
 * by a deadline that answers before a stub resolver gives up (dig waits 5 s); upstreams that did
 * not answer get a second round within that deadline, so one lost datagram to a single upstream
 * costs an attempt timeout, not a SERVFAIL. We write the upstream query and the client's OPT
 * ourselves (forward-wire.ts): EDNS is hop-by-hop. Identical questions
 * in flight share one exchange, which also bounds a forwarding loop through another server to one
 * round: the looped question waits on itself and the deadline ends both. A question carrying one
 * of our own ids is our query come straight back (a relay upstream): `isLoop` says so at once.
 */
import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from '../log.js';
import type { Endpoint } from '../net/endpoint.js';
import { FLAG, RCODE } from './dns-codes.js';
import { ForwardCache, forwardKey } from './forward-cache.js';
import { clientReply, upstreamQuery } from './forward-wire.js';
import type { Query } from './query.js';
import type { DnsCounters } from './stats.js';
import { exchangeTcp, exchangeUdp } from './upstream.js';
import { patchReply } from './wire-cache.js';
import { formatEndpoint } from '../net/endpoint.js';

export const FORWARD_ATTEMPT_TIMEOUT_MS = 1500;
export const FORWARD_DEADLINE_MS = 3500;
/** Passes over the upstreams that did not answer: one retry each, deadline permitting. */
export const FORWARD_ROUNDS = 2;
/** An upstream that timed out is tried last for this long. */
export const UPSTREAM_PENALTY_MS = 30_000;
/** Bounds sockets and memory under a flood of distinct names. */
export const MAX_PENDING_FORWARDS = 512;

export interface ForwarderOptions {
  upstreams: readonly Endpoint[];
  /** Clock for cache expiry and TTL ageing (ms since epoch). */
  now: () => number;
  maxTtl: number;
  log: Logger;
  counters: DnsCounters;
  attemptTimeoutMs?: number;
  deadlineMs?: number;
  cacheEntries?: number;
}

export interface Forwarder {
  isLoop(q: Query): boolean;
  /** The upstream answer patched for this client, or null (the caller answers SERVFAIL). */
  resolve(raw: Buffer, q: Query): Promise<Buffer | null>;
  close(): void;
}

export function createForwarder(opts: ForwarderOptions): Forwarder {
  const attemptMs = opts.attemptTimeoutMs ?? FORWARD_ATTEMPT_TIMEOUT_MS;
  const deadlineMs = opts.deadlineMs ?? FORWARD_DEADLINE_MS;
  const cache = new ForwardCache(opts.now, opts.maxTtl, opts.cacheEntries);
  const pending = new Map<string, Promise<Buffer | null>>();
  const ownQueries = new Set<string>();
  const penalisedUntil = new Map<Endpoint, number>();
  const closing = new AbortController();
  // Every exchange in flight listens for close; they are bounded by MAX_PENDING_FORWARDS, not leaked.
  setMaxListeners(MAX_PENDING_FORWARDS + 1, closing.signal);
  const log = opts.log;

  const ordered = (): Endpoint[] => {
    const t = performance.now();
    const healthy = (u: Endpoint): boolean => (penalisedUntil.get(u) ?? 0) <= t;
    return [...opts.upstreams.filter(healthy), ...opts.upstreams.filter((u) => !healthy(u))];
  };

  async function ask(up: Endpoint, raw: Buffer, q: Query, timeoutMs: number): Promise<Buffer | null> {
    const id = randomInt(0x10000);
    const out = upstreamQuery(raw, q, id);
    const own = `${id}|${q.name}|${q.qtype}`;
    ownQueries.add(own);
    try {
      const limits = { timeoutMs, signal: closing.signal };
      const started = performance.now();
      const reply = await exchangeUdp(up, out, q.questionEnd, limits);
      if (!reply || !(reply.readUInt16BE(2) & FLAG.TC)) return reply;
      const left = timeoutMs - (performance.now() - started);
      return (left > 0 && await exchangeTcp(up, out, q.questionEnd, { ...limits, timeoutMs: left })) || reply;
    } finally {
      ownQueries.delete(own);
    }
  }

  /** The first usable answer, cleaned for the client (our OPT, TTLs capped), or null. */
  async function exchange(raw: Buffer, q: Query): Promise<Buffer | null> {
    const deadline = performance.now() + deadlineMs;
    let toAsk = ordered();
    for (let round = 0; round < FORWARD_ROUNDS && toAsk.length > 0; round++) {
      const again: Endpoint[] = [];
      for (const up of toAsk) {
        const left = deadline - performance.now();
        if (left <= 0 || closing.signal.aborted) return null;
        const got = await ask(up, raw, q, Math.min(attemptMs, left));
        const reply = got && clientReply(got, q.questionEnd, q.edns, opts.maxTtl);
        if (!reply) {
          if (!closing.signal.aborted) penalisedUntil.set(up, performance.now() + UPSTREAM_PENALTY_MS);
          log.debug({ upstream: formatEndpoint(up), round }, got ? 'upstream answer unusable' : 'upstream did not answer');
          if (!got) again.push(up); // lost, maybe: worth one more datagram
          continue;
        }
        penalisedUntil.delete(up);
        const rcode = reply.readUInt16BE(2) & 0xf;
        // Another upstream may know better; a last SERVFAIL is ours to write.
        if (rcode === RCODE.SERVFAIL || rcode === RCODE.REFUSED) continue;
        return reply;
      }
      toAsk = again;
    }
    return null;
  }

  return {
    isLoop: (q) => ownQueries.has(`${q.id}|${q.name}|${q.qtype}`),

    async resolve(raw, q) {
      const key = forwardKey(q);
      const hit = cache.get(key, raw, q);
      if (hit) {
        opts.counters.forwardCacheHits++;
        return hit;
      }
      let shared = pending.get(key);
      if (!shared) {
        if (pending.size >= MAX_PENDING_FORWARDS) return null;
        opts.counters.forwarded++;
        shared = exchange(raw, q).then((reply) => {
          if (reply) cache.put(key, reply, q.questionEnd);
          else opts.counters.forwardFailures++;
          return reply;
        }).finally(() => pending.delete(key));
        pending.set(key, shared);
      }
      const reply = await shared;
      return reply && patchReply(reply, raw, q);
    },

    close: () => closing.abort(),
  };
}
