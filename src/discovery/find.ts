import type { Endpoint } from '../net/endpoint.js';
import { PUBLIC_BOOTSTRAP } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Peer } from '../peer.js';
import { DhtNode } from './dht.js';
import { Discovery } from './discovery.js';
import type { DiscoveryTiming } from './timing.js';
import type { Protocol } from './listener.js';

export { PUBLIC_BOOTSTRAP };

export interface FindOptions {
  passphrase: Buffer | string;
  /** App port to offer; negative = discover only, without announcing (as the Go docs promised). */
  appPort: number;
  /** The wherez port: DHT (UDP) and auth listener (TCP), as in Go. Default 40000; 0 picks one. */
  port?: number;
  /** Bind address of both sockets. Default 0.0.0.0. */
  host?: string;
  /** Default: the public routers (PUBLIC_BOOTSTRAP). */
  bootstrap?: readonly Endpoint[];
  minPeers?: number;
  stateDir?: string;
  signal?: AbortSignal;
  timing?: Partial<DiscoveryTiming>;
  log?: Logger;
  /** Default v2; v1 talks to Go wherez nodes; both does both (a peer seen on v2 is never tried on v1). */
  protocol?: Protocol;
  /** v2: addresses to attest besides the bound one(s) (NAT with port forwarding). */
  externalAddresses?: readonly string[];
  /** Called once the node is up, with the live objects (for progress display). */
  onStart?: (ctx: { dht: DhtNode; discovery: Discovery }) => void;
}

/**
 * Mirrors Go's `FindAuthenticatedPeers`: yields each newly authenticated peer as it is found,
 * until `signal` aborts or the consumer stops iterating; either way everything is closed.
 */
export async function* findAuthenticatedPeers(o: FindOptions): AsyncGenerator<Peer, void, undefined> {
  const passphrase = typeof o.passphrase === 'string' ? Buffer.from(o.passphrase, 'utf8') : o.passphrase;
  const host = o.host ?? '0.0.0.0';
  const dht = new DhtNode({ host, port: o.port ?? 40000, bootstrap: o.bootstrap ?? PUBLIC_BOOTSTRAP, stateDir: o.stateDir, log: o.log });
  const found: Peer[] = [];
  let wake: (() => void) | undefined;
  const onPeer = (p: Peer) => { found.push(p); wake?.(); };
  const onAbort = () => wake?.();
  o.signal?.addEventListener('abort', onAbort);
  let discovery: Discovery | undefined;
  try {
    await dht.start();
    const announce = o.appPort >= 0;
    discovery = new Discovery({
      passphrase, dht, host, minPeers: o.minPeers, timing: o.timing, log: o.log,
      protocol: o.protocol ?? 'v2', v2: { externalAddresses: o.externalAddresses },
      // The auth listener answers on the DHT's own port number, which is what we announce.
      appPort: announce ? o.appPort : undefined, authPort: announce ? dht.port : undefined,
    });
    discovery.on('peer', onPeer);
    await discovery.start();
    o.onStart?.({ dht, discovery });
    while (!o.signal?.aborted) {
      const next = found.shift();
      if (next) { yield next; continue; }
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await discovery?.close();
    await dht.close();
  }
}
