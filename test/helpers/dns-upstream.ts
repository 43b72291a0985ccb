/**
 * A stand-in upstream resolver (UDP and TCP on one port; default 127.0.0.1, port 0), built on dns-packet:
 * `nx.example` is NXDOMAIN with an SOA, `big.example` has 60 A records (TC over UDP), `slow.example`
 * answers after `slowMs`, anything else gets one A record (TTL `ttl`, default 60). Like a real
 * server it answers EDNS with its own size (4096) and echoes the query's options (a client COOKIE
 * comes back, as with a server cookie). `dropFirst` UDP questions are ignored (lost datagrams);
 * `queries` keeps every question received. In relay mode it instead passes every
 * datagram, bytes unchanged, to another server and relays the reply back, like a pure forwarder
 * that keeps the query id. Also runs as a script (`node dns-upstream.js HOST PORT`, printing
 * `upstream: PORT`) for tests that need it inside a network namespace.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';

export interface StandInUpstream {
  port: number;
  /** Questions received, per transport. */
  received: { udp: number; tcp: number };
  /** Every question received, decoded, in order. */
  queries: dnsPacket.DecodedPacket[];
  /** Relay mode: pass UDP questions to 127.0.0.1:port unchanged instead of answering. */
  relayTo(port: number): void;
  close(): Promise<void>;
}

const SOA = { mname: 'ns.example', rname: 'hostmaster.example', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 30 };

type OptRecord = { type: 'OPT'; options?: { code: number; data?: Buffer }[] };

function answer(q: dnsPacket.DecodedPacket, ttl: number): dnsPacket.Packet {
  const question = q.questions?.[0] ?? { name: '.', type: 'A' as const };
  const name = question.name.toLowerCase();
  const base = { type: 'response' as const, id: q.id, flags: (q.flags ?? 0) | dnsPacket.RECURSION_AVAILABLE, questions: q.questions };
  const qopt = (q.additionals ?? []).find((a) => a.type === 'OPT') as OptRecord | undefined;
  // Generic options (COOKIE is not in @types/dns-packet's union; dns-packet encodes any code with data).
  const options = (qopt?.options ?? []).map((o) => ({ code: o.code, data: o.data ?? Buffer.alloc(0) })) as unknown as dnsPacket.PacketOpt[];
  const opt = qopt
    ? [{ type: 'OPT' as const, name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options }] : [];
  if (name === 'nx.example') {
    return { ...base, flags: base.flags | 3, authorities: [{ type: 'SOA', name: 'example', ttl: 300, data: SOA }], additionals: opt };
  }
  const count = name === 'big.example' ? 60 : 1;
  const answers = Array.from({ length: count }, (_, i): dnsPacket.Answer =>
    ({ type: 'A', name: question.name, ttl, data: `192.0.2.${i + 1}` }));
  return { ...base, answers: question.type === 'A' ? answers : [], additionals: opt };
}

function udpLimit(q: dnsPacket.DecodedPacket): number {
  const opt = (q.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize: number } | undefined;
  return opt ? Math.max(512, opt.udpPayloadSize) : 512;
}

interface UpstreamOptions { slowMs?: number; ttl?: number; dropFirst?: number; host?: string; port?: number }

async function reply(msg: Buffer, o: { slowMs: number; ttl: number }, log: dnsPacket.DecodedPacket[]): Promise<{ full: Buffer; a: dnsPacket.Packet } | null> {
  let q: dnsPacket.DecodedPacket;
  try {
    q = dnsPacket.decode(msg);
  } catch {
    return null;
  }
  log.push(q);
  if (q.questions?.[0]?.name.toLowerCase() === 'slow.example') await new Promise((r) => setTimeout(r, o.slowMs));
  const a = answer(q, o.ttl);
  return { full: dnsPacket.encode(a), a };
}

export async function startUpstream(opts: UpstreamOptions = {}): Promise<StandInUpstream> {
  const host = opts.host ?? '127.0.0.1';
  let relayPort: number | undefined;
  const received = { udp: 0, tcp: 0 };
  const queries: dnsPacket.DecodedPacket[] = [];
  const timing = { slowMs: opts.slowMs ?? 300, ttl: opts.ttl ?? 60 };
  let toDrop = opts.dropFirst ?? 0;
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    received.udp++;
    if (toDrop > 0) {
      toDrop--;
      return;
    }
    const send = (b: Buffer) => udp.send(b, rinfo.port, rinfo.address);
    if (relayPort !== undefined) {
      const relay = dgram.createSocket('udp4');
      relay.on('message', (r) => { relay.close(); send(r); });
      relay.send(msg, relayPort, '127.0.0.1');
      setTimeout(() => { try { relay.close(); } catch { /* closed on reply */ } }, 5000).unref();
      return;
    }
    void reply(msg, timing, queries).then((r) => {
      if (!r) return;
      if (r.full.length <= udpLimit(queries.at(-1)!)) return send(r.full);
      send(dnsPacket.encode({ ...r.a, flags: r.a.flags! | dnsPacket.TRUNCATED_RESPONSE, answers: [] }));
    });
  });
  udp.bind(opts.port ?? 0, host);
  await once(udp, 'listening');
  const port = udp.address().port;

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        received.tcp++;
        void reply(Buffer.from(msg), timing, queries).then((r) => r && !s.destroyed && s.write(dnsPacket.streamEncode(r.a)));
      }
    });
  });
  tcp.listen(port, host);
  await once(tcp, 'listening');

  return {
    port,
    received,
    queries,
    relayTo: (p) => { relayPort = p; },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  };
}

/** A UDP socket that receives and never answers: a dead upstream that costs the full timeout. */
export async function startSilentUdp(): Promise<{ port: number; close: () => Promise<void> }> {
  const udp = dgram.createSocket('udp4');
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  return { port: udp.address().port, close: () => new Promise<void>((r) => udp.close(() => r())) };
}

if (process.argv[1] && import.meta.url.endsWith(`/${process.argv[1].split('/').pop()}`) && process.argv[2]) {
  const up = await startUpstream({ host: process.argv[2], port: Number(process.argv[3] ?? 0) });
  console.log(`upstream: ${up.port}`);
  process.once('SIGTERM', () => void up.close());
}
