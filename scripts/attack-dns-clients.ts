/**
 * The clients of the DNS attack bench (scripts/bench-attack-dns.ts): honest probes that count
 * what gets answered, slow TCP clients (issue #6 item 13) and hostile UDP/TCP senders. Every
 * client binds its own 127.x source address, so per-source limits see attackers and probes as
 * the different hosts they would be.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';
import { frame, query } from '../test/helpers/dns-client.js';
import { hostile, junk, prng } from '../test/helpers/hostile-dns.js';

/** How long an honest client waits for an answer (a stub resolver's single try is 1-5 s). */
export const PROBE_PATIENCE_MS = 2_000;
/** A slow client sends its frame's bytes this far apart (the attack of issue #6 item 13). */
const SLOW_BYTE_INTERVAL_MS = 1_000;
/** A slow client closed by the server comes back after this. */
const SLOW_RECONNECT_MS = 100;

export interface ProbeCounts { sent: number; answered: number }

export interface Target { host: string; port: number }

/** One UDP question from `source`; true when a reply with the expected answer count came back. */
async function udpProbe(t: Target, source: string, id: number, answers: number): Promise<boolean> {
  const sock = dgram.createSocket('udp4');
  try {
    sock.bind(0, source);
    await once(sock, 'listening');
    const got = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_PATIENCE_MS);
      sock.on('message', (m: Buffer) => {
        if (m.readUInt16BE(0) !== id) return;
        clearTimeout(timer);
        resolve(dnsPacket.decode(m).answers?.length === answers);
      });
    });
    sock.send(query('_ldap._wherez.local', 'SRV', { id }), t.port, t.host);
    return await got;
  } finally {
    sock.close();
  }
}

/** One TCP question (a 40-peer answer, too big for UDP) on a fresh connection from `source`. */
function tcpProbe(t: Target, source: string, id: number, answers: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: t.host, port: t.port, localAddress: source });
    let buf = Buffer.alloc(0);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_PATIENCE_MS);
    sock.on('connect', () => sock.write(frame(query('_big._wherez.local', 'SRV', { id }))));
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const p = dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        done(p.id === id && p.answers?.length === answers);
      }
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

/** Honest probes every `everyMs` until `signal` aborts; resolves the counts once all settled. */
export async function probe(t: Target, kind: 'udp' | 'tcp', source: string, everyMs: number, answers: number, signal: AbortSignal): Promise<ProbeCounts> {
  const counts = { sent: 0, answered: 0 };
  const pending: Promise<void>[] = [];
  for (let id = 1; !signal.aborted; id = (id + 1) & 0xffff) {
    counts.sent++;
    const one = kind === 'udp' ? udpProbe(t, source, id, answers) : tcpProbe(t, source, id, answers);
    pending.push(one.then((ok) => { if (ok) counts.answered++; }));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  await Promise.all(pending);
  return counts;
}

/**
 * `n` slow TCP clients spread over `sources`: each announces a 65,535-byte frame and sends it one
 * byte a second; closed by the server, it reconnects. Resolves when `signal` aborts and all closed.
 */
export async function slowClients(t: Target, sources: readonly string[], n: number, signal: AbortSignal): Promise<{ connections: number }> {
  let connections = 0;
  const open = new Set<net.Socket>();
  const start = (source: string): void => {
    if (signal.aborted) return;
    connections++;
    const sock = net.connect({ host: t.host, port: t.port, localAddress: source });
    open.add(sock);
    let timer: NodeJS.Timeout | undefined;
    sock.on('connect', () => {
      sock.write(Buffer.from([0xff, 0xff]));
      timer = setInterval(() => sock.write(Buffer.from([0x41])), SLOW_BYTE_INTERVAL_MS);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(timer);
      open.delete(sock);
      setTimeout(() => start(source), SLOW_RECONNECT_MS);
    });
  };
  for (let i = 0; i < n; i++) start(sources[i % sources.length] as string);
  await once(signal, 'abort');
  for (const s of open) s.destroy();
  return { connections };
}

/** `total` hostile datagrams from `source` at `perSecond`, in 10 ms batches; resolves the count sent. */
export async function udpFuzz(t: Target, source: string, total: number, perSecond: number, seed: number): Promise<number> {
  const rand = prng(seed);
  const sock = dgram.createSocket('udp4');
  sock.on('message', () => {}); // replies are read and dropped so the socket buffer never fills
  sock.bind(0, source);
  await once(sock, 'listening');
  const perBatch = Math.max(1, Math.round(perSecond / 100));
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    for (let i = 0; i < perBatch && sent < total; i++, sent++) sock.send(hostile(rand), t.port, t.host);
    const due = started + (sent / perSecond) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  sock.close();
  return sent;
}

/** `total` hostile TCP streams from `source`, `parallel` at a time: frames of junk, then a cut. */
export async function tcpFuzz(t: Target, source: string, total: number, parallel: number, seed: number): Promise<number> {
  const rand = prng(seed);
  let started = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    const sock = net.connect({ host: t.host, port: t.port, localAddress: source });
    sock.on('connect', () => {
      sock.write(Buffer.concat(Array.from({ length: 1 + Math.floor(rand() * 50) }, () => frame(hostile(rand)))));
      if (rand() < 0.5) sock.write(junk(rand, 40));
      setTimeout(() => sock.destroy(), Math.floor(rand() * 200));
    });
    sock.on('error', () => {});
    sock.on('close', () => resolve());
  });
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return started;
}
