import { startTestnet } from '../discovery/testnet.js';
import type { CliIO } from './io.js';

/** `wherez testnet`: a private loopback DHT for demos, tests and benchmarks. */
export async function runTestnet(a: { nodes: number; bind: string; port: number }, io: CliIO): Promise<number> {
  const net = await startTestnet({ nodes: a.nodes, host: a.bind, port: a.port });
  const list = net.bootstrap.map((e) => `${e.host}:${e.port}`).join(',');
  io.stdout.write(`testnet: ${net.size} DHT nodes on ${a.bind}\nbootstrap: ${list}\n`);
  io.stderr.write(`try: wherez find --port 0 --bind 127.0.0.2 --bootstrap ${list} 8080 secret\n`);
  if (!io.signal.aborted) await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await net.close();
  return 0;
}
