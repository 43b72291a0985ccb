/** A small DNS client for tests: builds queries with dns-packet and exchanges them over UDP/TCP. */
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { digAt } from './dig.js';
import dnsPacket from 'dns-packet';

export interface QueryOptions {
  id?: number;
  /** Adds an OPT record advertising this UDP payload size. */
  edns?: number;
  dnssecOk?: boolean;
  rd?: boolean;
  qclass?: 'IN' | 'CH' | 'ANY';
}

let nextId = 1;

export function query(name: string, type: string, o: QueryOptions = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: o.id ?? (nextId++ & 0xffff),
    flags: o.rd === false ? 0 : dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as dnsPacket.RecordType, class: o.qclass ?? 'IN' }],
    additionals: o.edns === undefined ? [] : [{
      type: 'OPT', name: '.', udpPayloadSize: o.edns, extendedRcode: 0, ednsVersion: 0,
      flags: o.dnssecOk ? dnsPacket.DNSSEC_OK : 0, flag_do: Boolean(o.dnssecOk), options: [],
    }],
  });
}

export function rcodeOf(reply: Buffer): number {
  return reply.readUInt16BE(2) & 0xf;
}

/** Sends one datagram and resolves the first reply, or null after `timeoutMs`. */
export async function udpExchange(port: number, msg: Buffer, opts: { timeoutMs?: number; localAddress?: string } = {}): Promise<Buffer | null> {
  const sock = dgram.createSocket('udp4');
  try {
    if (opts.localAddress) {
      sock.bind(0, opts.localAddress);
      await once(sock, 'listening');
    }
    const reply = new Promise<Buffer | null>((resolve) => {
      const t = setTimeout(() => resolve(null), opts.timeoutMs ?? 2000);
      sock.once('message', (m: Buffer) => {
        clearTimeout(t);
        resolve(m);
      });
    });
    sock.send(msg, port, '127.0.0.1');
    return await reply;
  } finally {
    sock.close();
  }
}

export function frame(msg: Buffer): Buffer {
  const out = Buffer.alloc(2 + msg.length);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}

/** Reads length-prefixed frames from a socket as they arrive. */
export class FrameReader {
  private buf = Buffer.alloc(0);
  private waiters: ((f: Buffer) => void)[] = [];
  private frames: Buffer[] = [];

  constructor(sock: net.Socket) {
    sock.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
        const f = this.buf.subarray(2, 2 + this.buf.readUInt16BE(0));
        this.buf = this.buf.subarray(2 + f.length);
        const w = this.waiters.shift();
        if (w) w(f);
        else this.frames.push(f);
      }
    });
  }

  next(): Promise<Buffer> {
    const f = this.frames.shift();
    return f ? Promise.resolve(f) : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export async function tcpConnect(port: number): Promise<{ sock: net.Socket; reader: FrameReader }> {
  const sock = net.connect(port, '127.0.0.1');
  const reader = new FrameReader(sock);
  await once(sock, 'connect');
  return { sock, reader };
}

/** One query over a fresh TCP connection. */
export async function tcpExchange(port: number, msg: Buffer): Promise<Buffer> {
  const { sock, reader } = await tcpConnect(port);
  try {
    sock.write(frame(msg));
    return await reader.next();
  } finally {
    sock.destroy();
  }
}

/** Runs dig against 127.0.0.1:port; resolves its stdout. */
export function dig(port: number, ...args: string[]): Promise<string> {
  return digAt('127.0.0.1', port, ['+time=2', ...args]);
}
