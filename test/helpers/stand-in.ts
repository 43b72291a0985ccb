/**
 * Stand-in application servers for the real-program tests: listens on each `tcp:HOST:PORT` /
 * `udp:HOST:PORT` given on the command line and prints one line per TCP connection or UDP
 * datagram (`seen tcp 127.0.0.2:389 from 127.0.0.1`). It speaks no protocol: a program that
 * reached it has found the peer, which is all these tests prove. Runs as a script
 * (`node stand-in.js tcp:127.0.0.2:389 udp:127.0.0.2:88`, printing `stand-in: ready`), so it can
 * run inside a network namespace; stops on SIGTERM.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';

const closers: Array<() => void> = [];

async function listen(spec: string): Promise<void> {
  const m = /^(tcp|udp):([^:]+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`bad endpoint ${spec}: want tcp:HOST:PORT or udp:HOST:PORT`);
  const [, proto, host, port] = m as unknown as [string, string, string, string];
  const at = `${host}:${port}`;
  if (proto === 'tcp') {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      console.log(`seen tcp ${at} from ${s.remoteAddress ?? '?'}`);
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
      // Hang up at once: clients then report an error instead of waiting for a protocol reply.
      s.destroy();
    });
    server.listen(Number(port), host);
    await once(server, 'listening');
    closers.push(() => { for (const s of sockets) s.destroy(); server.close(); });
  } else {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.on('message', (_msg, rinfo) => console.log(`seen udp ${at} from ${rinfo.address}`));
    sock.bind(Number(port), host);
    await once(sock, 'listening');
    closers.push(() => sock.close());
  }
}

for (const spec of process.argv.slice(2)) await listen(spec);
console.log('stand-in: ready');
process.on('SIGTERM', () => { for (const c of closers) c(); process.exit(0); });
