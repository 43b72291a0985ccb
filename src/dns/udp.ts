/**
 * DNS over UDP: one datagram in, at most one datagram back to its source. The socket asks for a
 * large receive buffer: with the kernel default (~208 KiB, a few hundred small datagrams) every
 * pause of the event loop longer than a few tens of ms under a flood drops honest queries too.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../log.js';
import type { Responder } from './responder.js';

/** Asked of the kernel, which caps it at net.core.rmem_max (4 MiB on common distributions). */
export const UDP_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Binds `host:port`; rejects with the raw bind error (the caller codes it). */
export function bindUdp(host: string, port: number, respond: Responder, log: Logger): Promise<UdpListener> {
  const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: UDP_RECV_BUFFER_BYTES });
  let closed = false;

  const send = (reply: Buffer | null, rinfo: dgram.RemoteInfo): void => {
    if (!reply || closed) return;
    try {
      // No callback: a failed send surfaces as the socket's 'error' event, logged below.
      socket.send(reply, rinfo.port, rinfo.address);
    } catch (err) {
      // A spoofed source port 0 makes send() throw synchronously.
      log.debug({ err, to: rinfo.address }, 'udp send refused');
    }
  };

  socket.on('message', (msg, rinfo) => {
    const reply = respond(msg, { address: rinfo.address, transport: 'udp' });
    if (reply instanceof Promise) reply.then((r) => send(r, rinfo), (err: unknown) => log.error({ err }, 'udp responder rejected'));
    else send(reply, rinfo);
  });

  return new Promise((resolve, reject) => {
    const onBindError = (err: Error): void => {
      closed = true;
      socket.close();
      reject(err);
    };
    socket.once('error', onBindError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onBindError);
      socket.on('error', (err) => log.debug({ err }, 'udp socket error (a send failed)'));
      resolve({
        port: socket.address().port,
        close: () => new Promise<void>((done) => {
          if (closed) return done();
          closed = true;
          socket.close(() => done());
        }),
      });
    });
  });
}
