/**
 * The floor for scripts/sim: plain bittorrent-dht with the simplest loop a user of the library
 * would write (look up, announce to the nodes that lookup found, look up again at once), and a
 * DHT value for the infohash counted as found. No verification, no pacing: the fastest the
 * library finds a peer, not a polite way to run.
 */
import DHT from 'bittorrent-dht';
import type { Endpoint } from '../../src/net/endpoint.js';

export interface FloorOptions { host: string; bootstrap: Endpoint[]; infohash: Buffer; port: number }

export async function startFloorNode(o: FloorOptions): Promise<{ found: Promise<void>; close(): Promise<void> }> {
  const dht = new DHT({ bootstrap: o.bootstrap, host: false });
  dht.on('error', () => undefined);
  dht.on('warning', () => undefined);
  await new Promise<void>((r) => dht.listen(0, o.host, () => r()));
  const own = `${o.host}:${o.port}`;
  let closed = false;
  const found = new Promise<void>((resolve) => {
    const onPeer = (p: Endpoint, ih: Buffer) => {
      if (ih.equals(o.infohash) && `${p.host}:${p.port}` !== own) { dht.off('peer', onPeer); resolve(); }
    };
    dht.on('peer', onPeer);
    dht.on('announce', onPeer);
  });
  const loop = () => {
    if (closed) return;
    dht.lookup(o.infohash, () => {
      if (closed) return;
      dht.announce(o.infohash, o.port, () => loop());
    });
  };
  loop();
  return { found, close: () => { closed = true; return new Promise<void>((r) => dht.destroy(() => r())); } };
}
