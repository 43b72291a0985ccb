import net from 'node:net';
import { once } from 'node:events';

/** A TCP server that accepts and never answers (a tarpit). Close it when done. */
export async function startTarpit(host = '127.0.0.1'): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => { for (const s of sockets) s.destroy(); server.close(); await once(server, 'close'); },
  };
}

/** A TCP server that answers every connection with fixed bytes, then closes. */
export async function startFixedResponder(reply: Buffer, host = '127.0.0.1'): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end(reply));
  });
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => { server.close(); await once(server, 'close'); },
  };
}

/** Connects, writes bytes, and resolves with everything received until the server closes. */
export async function exchange(port: number, bytes: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  const s = net.connect(port, host);
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  await once(s, 'connect');
  s.write(bytes);
  await new Promise<void>((resolve) => { s.once('close', () => resolve()); });
  return Buffer.concat(chunks);
}

/** A port that refuses: bound then closed, so nothing listens there. */
export async function refusedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}
