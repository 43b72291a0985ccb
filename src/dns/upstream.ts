/**
 * One question to one upstream, over UDP or TCP. Each exchange uses its own socket (a fresh random
 * source port, and a connected UDP socket only accepts datagrams from the upstream), a random id,
 * and accepts only a reply whose id and question match: anything else is ignored as spoofed or late.
 * Resolves null on timeout, error or a closed port; never rejects.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { FLAG, HEADER_BYTES, TCP_LIMIT_BYTES } from './dns-codes.js';
import { equalsIgnoreCase } from './wire-read.js';
import type { Endpoint } from '../net/endpoint.js';

/** True when `reply` answers `query` (same id, QR set, one identical question). */
export function answersQuery(reply: Buffer, query: Buffer, questionEnd: number): boolean {
  return reply.length >= questionEnd
    && reply.readUInt16BE(0) === query.readUInt16BE(0)
    && (reply.readUInt16BE(2) & FLAG.QR) !== 0
    && reply.readUInt16BE(4) === 1
    && equalsIgnoreCase(reply, HEADER_BYTES, query, HEADER_BYTES, questionEnd - HEADER_BYTES);
}

export interface ExchangeLimits {
  timeoutMs: number;
  /** Aborted when the forwarder closes, so no socket or timer outlives it. */
  signal: AbortSignal;
}

function settle<T>(limits: ExchangeLimits, run: (done: (v: T | null) => void) => () => void): Promise<T | null> {
  return new Promise((resolve) => {
    if (limits.signal.aborted) return resolve(null);
    let finished = false;
    let cleanup: () => void = () => {};
    const onAbort = (): void => done(null);
    const done = (v: T | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      cleanup();
      resolve(v);
    };
    const timer = setTimeout(onAbort, limits.timeoutMs);
    limits.signal.addEventListener('abort', onAbort);
    try {
      const release = run(done);
      if (finished) release();
      else cleanup = release;
    } catch {
      done(null); // e.g. an invalid upstream address rejected synchronously by node:net
    }
  });
}

export function exchangeUdp(up: Endpoint, query: Buffer, questionEnd: number, limits: ExchangeLimits): Promise<Buffer | null> {
  return settle<Buffer>(limits, (done) => {
    const sock = dgram.createSocket(net.isIPv6(up.host) ? 'udp6' : 'udp4');
    // ECONNREFUSED (ICMP port unreachable) arrives here on a connected socket: fail over at once.
    sock.on('error', () => done(null));
    sock.on('message', (msg) => {
      if (answersQuery(msg, query, questionEnd)) done(msg);
    });
    sock.connect(up.port, up.host, () => {
      sock.send(query, (err) => {
        if (err) done(null);
      });
    });
    return () => {
      try {
        sock.close();
      } catch {
        // already closed after an error
      }
    };
  });
}

export function exchangeTcp(up: Endpoint, query: Buffer, questionEnd: number, limits: ExchangeLimits): Promise<Buffer | null> {
  return settle<Buffer>(limits, (done) => {
    const sock = net.connect({ host: up.host, port: up.port });
    let buf: Buffer = Buffer.alloc(0);
    sock.on('connect', () => {
      const frame = Buffer.allocUnsafe(2 + query.length);
      frame.writeUInt16BE(query.length, 0);
      query.copy(frame, 2);
      sock.write(frame);
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 2 + TCP_LIMIT_BYTES) return done(null);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      const reply = buf.subarray(2, 2 + len);
      done(answersQuery(reply, query, questionEnd) ? Buffer.from(reply) : null);
    });
    sock.on('error', () => done(null));
    sock.on('close', () => done(null));
    return () => sock.destroy();
  });
}
