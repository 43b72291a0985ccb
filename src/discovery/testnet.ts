import DHT from 'bittorrent-dht';
import type { Endpoint } from '../net/endpoint.js';

export interface Testnet {
  /** Give this to every node of the swarm as its bootstrap list. */
  bootstrap: Endpoint[];
  size: number;
  close(): Promise<void>;
}

export interface TestnetOptions {
  nodes: number;
  host?: string;
  /** UDP port of the first node (the bootstrap); 0 picks one. Others always pick their own. */
  port?: number;
}

function listen(dht: DHT, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    dht.once('error', reject);
    dht.listen(port, host, () => { dht.off('error', reject); resolve(); });
  });
}

function ready(dht: DHT): Promise<void> {
  return dht.ready ? Promise.resolve() : new Promise((resolve) => dht.once('ready', () => resolve()));
}

/**
 * A private Mainline DHT on loopback: N real bittorrent-dht nodes, the first one standalone and
 * the rest bootstrapped from it. Never touches the public routers.
 */
export async function startTestnet(opts: TestnetOptions): Promise<Testnet> {
  const host = opts.host ?? '127.0.0.1';
  const nodes: DHT[] = [];
  const closeAll = () => Promise.all(nodes.map((n) => new Promise<void>((r) => n.destroy(() => r())))).then(() => undefined);
  try {
    const first = new DHT({ bootstrap: false, host: false });
    nodes.push(first);
    first.on('error', () => undefined);
    await listen(first, opts.port ?? 0, host);
    const bootstrap = [{ host, port: first.address().port }];
    const rest: DHT[] = [];
    for (let i = 1; i < opts.nodes; i++) {
      const n = new DHT({ bootstrap, host: false });
      n.on('error', () => undefined);
      nodes.push(n);
      rest.push(n);
      await listen(n, 0, host);
    }
    await Promise.all(rest.map(ready));
    return { bootstrap, size: nodes.length, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
