import { startTestnet } from '../discovery/testnet.js';
import type { CliIO } from './io.js';
import { formatEndpoint, reachableHost } from '../net/endpoint.js';

/**
 * A `wherez find` that joins this testnet: bound where the testnet is (a wildcard bind is not an
 * address to announce, so its loopback), the passphrase in the environment, never in argv.
 */
export function tryHint(bind: string, bootstrap: string): string {
  const host = reachableHost(bind);
  return `try: WHEREZ_PASSPHRASE=secret wherez find --port 0 --bind ${host} --bootstrap ${bootstrap} 8080`;
}

/** `wherez testnet`: a private loopback DHT for demos, tests and benchmarks. */
export async function runTestnet(a: { nodes: number; bind: string; port: number }, io: CliIO): Promise<number> {
  const net = await startTestnet({ nodes: a.nodes, host: a.bind, port: a.port });
  const list = net.bootstrap.map(formatEndpoint).join(',');
  io.stdout.write(`testnet: ${net.size} DHT nodes on ${a.bind}\nbootstrap: ${list}\n`);
  io.stderr.write(`${tryHint(a.bind, list)}\n`);
  if (!io.signal.aborted) await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await net.close();
  return 0;
}
