/**
 * DNS over TCP (RFC 7766): 2-byte length framing, pipelining (each frame answered as soon as it is
 * ready, possibly out of order), an idle timeout, a connection cap, and flow control: a client
 * with too many questions in flight, or that does not read its answers, is no longer read from,
 * so a slow or silent client costs one socket until its idle timeout and never stalls others.
 * A started frame must arrive whole within a deadline that bytes do not reset: the idle timer
 * alone let a client sending one byte a second hold its slot for a 65,535-byte frame's 18 hours.
 * Connection slots are shared per source IP and per /24 or /56 (net/connection-slots.ts): 300
 * slow clients of one network filled all 256 slots and 60 of 75 honest TCP queries failed.
 */
import net from 'node:net';
import type { Logger } from '../log.js';
import { ConnectionSlots } from '../net/connection-slots.js';
import type { Responder } from './responder.js';
import type { DnsCounters } from './stats.js';

export const TCP_IDLE_TIMEOUT_MS = 10_000;
/** From a frame's first byte to its last; a real query (under 300 bytes) needs one round trip. */
export const TCP_QUERY_DEADLINE_MS = 3_000;
export const TCP_MAX_CONNECTIONS = 256;
/** Slots one source address may hold: a stub or forwarder needs one or two (RFC 7766 6.2.2 reuse). */
export const TCP_MAX_CONNECTIONS_PER_IP = 16;
/** Slots one /24 (IPv4) or /56 (IPv6) may hold: a quarter, so three more networks always fit. */
export const TCP_MAX_CONNECTIONS_PER_PREFIX = 64;
/** Questions one connection may have in flight before we stop reading it. */
export const TCP_MAX_PIPELINED = 64;

export interface TcpOptions {
  idleTimeoutMs: number;
  queryDeadlineMs: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxConnectionsPerPrefix: number;
  log: Logger;
  counters: DnsCounters;
}

export interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

function serveConnection(socket: net.Socket, respond: Responder, opts: TcpOptions): void {
  const address = socket.remoteAddress ?? '';
  let buffered: Buffer = Buffer.alloc(0);
  let inFlight = 0;
  let awaitingDrain = false;
  let readEnded = false;
  let frameDeadline: NodeJS.Timeout | undefined;
  const clearFrameDeadline = (): void => {
    clearTimeout(frameDeadline);
    frameDeadline = undefined;
  };

  // Frames beyond the in-flight cap stay buffered (reading is paused) until answers go out.
  const pump = (): void => {
    let completed = false;
    while (buffered.length >= 2 && inFlight < TCP_MAX_PIPELINED && !socket.destroyed) {
      const len = buffered.readUInt16BE(0);
      if (buffered.length < 2 + len) break; // a half-sent frame waits for the rest, within its deadline
      dispatch(Buffer.from(buffered.subarray(2, 2 + len)));
      buffered = buffered.subarray(2 + len);
      completed = true;
    }
    if (socket.destroyed) return;
    // The deadline runs from the first byte of the frame at the head to its last, whatever trickles in between.
    const partial = buffered.length > 0 && (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0));
    if (completed || !partial) clearFrameDeadline();
    if (partial && !frameDeadline) {
      frameDeadline = setTimeout(() => {
        opts.counters.tcpQueryDeadlines++;
        socket.destroy();
      }, opts.queryDeadlineMs);
    }
    if (inFlight >= TCP_MAX_PIPELINED || awaitingDrain) socket.pause();
    else socket.resume();
    if (readEnded && inFlight === 0) socket.end(); // RFC 7766 6.2.4: answer what was asked, then close
  };

  const dispatch = (frame: Buffer): void => {
    inFlight++;
    // Always settle on a later tick, even for a synchronous answer: pump() is not re-entrant.
    Promise.resolve(respond(frame, { address, transport: 'tcp' })).then((reply) => {
      if (!reply || socket.destroyed || !socket.writable) return;
      const out = Buffer.allocUnsafe(2 + reply.length);
      out.writeUInt16BE(reply.length, 0);
      reply.copy(out, 2);
      if (!socket.write(out)) awaitingDrain = true;
    }, (err: unknown) => opts.log.error({ err }, 'tcp responder rejected')).finally(() => {
      inFlight--;
      pump();
    });
  };

  socket.setNoDelay(true);
  socket.setTimeout(opts.idleTimeoutMs, () => socket.destroy());
  socket.on('drain', () => {
    awaitingDrain = false;
    pump();
  });
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    pump();
  });
  socket.on('end', () => {
    readEnded = true;
    pump();
  });
  socket.on('error', (err) => opts.log.debug({ err, from: address }, 'tcp connection error'));
  socket.on('close', clearFrameDeadline);
}

/** Listens on `host:port`; rejects with the raw listen error (the caller codes it). */
export function listenTcp(host: string, port: number, respond: Responder, opts: TcpOptions): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const slots = new ConnectionSlots({ max: opts.maxConnections, maxPerIp: opts.maxConnectionsPerIp, maxPerPrefix: opts.maxConnectionsPerPrefix });
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const admission = slots.acquire(socket.remoteAddress ?? '', () => {
      opts.counters.tcpConnectionsPreempted++;
      socket.destroy();
    });
    if (!admission.ok) {
      opts.counters.tcpConnectionsRefused++;
      socket.destroy();
      return;
    }
    opts.counters.tcpConnections++;
    opts.counters.tcpConnectionsOpen++;
    sockets.add(socket);
    socket.on('close', () => {
      admission.slot.release();
      sockets.delete(socket);
      opts.counters.tcpConnectionsOpen--;
    });
    serveConnection(socket, respond, opts);
    admission.preempted?.(); // after the newcomer is set up: closing the victim re-enters release()
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', (err) => opts.log.warn({ err }, 'tcp server error'));
      const addr = server.address() as net.AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        port: addr.port,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          });
          return closing;
        },
      });
    });
  });
}
