import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import DHT from 'bittorrent-dht';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import type { Protocol } from '../../src/discovery/listener.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import { KeyRing } from '../../src/discovery/v2/key-ring.js';
import { epochAt, epochKeys, passwordBytes, rendezvousKey } from '../../src/discovery/v2/keys.js';
import { newIdentity } from '../../src/discovery/v2/session.js';
import type { Peer } from '../../src/peer.js';
import { formatEndpoint } from '../../src/net/endpoint.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

const PASS = Buffer.from('v2 discovery integration passphrase');

async function rawDht(host: string, bootstrap: { host: string; port: number }[]) {
  const dht = new DHT({ bootstrap, host: false });
  dht.on('error', () => undefined);
  await new Promise<void>((r) => dht.listen(0, host, () => r()));
  await new Promise<void>((r) => (dht.ready ? r() : dht.once('ready', () => r())));
  return dht;
}

/** A relay with no passphrase: forwards each connection to a member, byte for byte. */
async function startRelay(host: string, to: () => { host: string; port: number }) {
  const conns = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const up = net.connect(to());
    conns.add(c).add(up);
    c.pipe(up).pipe(c);
    const drop = () => { c.destroy(); up.destroy(); };
    c.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => { for (const c of conns) c.destroy(); server.close(() => r()); }) };
}

test('v2: nodes find each other under IH_e (checked independently), both-zones bridge v1 and v2, a relay is never listed', async (t) => {
  const swarm = await startTestnet({ nodes: 16 });
  t.after(() => swarm.close());
  // One ring for every node of this process, as the daemon shares one: one scrypt per epoch.
  const ring = new KeyRing();
  ring.add('z', passwordBytes(PASS)!);
  ring.start();
  t.after(() => ring.close());
  const E = epochAt(Date.now());
  await ring.whenReady('z', E);

  const nodes: { dht: DhtNode; disc: Discovery; seen: Set<string> }[] = [];
  t.after(async () => { for (const n of nodes) { await n.disc.close(); await n.dht.close(); } });
  const spawn = async (host: string, protocol: Protocol, appPort: number) => {
    const dht = new DhtNode({ host, port: 0, bootstrap: swarm.bootstrap });
    await dht.start();
    const identity = newIdentity();
    const disc = new Discovery({
      passphrase: PASS, appPort, authPort: 0, dht, host, minPeers: 3, timing: { ...FAST_TIMING, readTimeoutMs: 2000 }, protocol,
      v2: { keys: ring, zone: 'z', identity },
    });
    const seen = new Set<string>();
    disc.on('peer', (p: Peer) => seen.add(formatEndpoint(p)));
    nodes.push({ dht, disc, seen });
    await disc.start();
    return { disc, seen };
  };
  const a = await spawn('127.0.0.2', 'v2', 8002);
  const b = await spawn('127.0.0.3', 'v2', 8003);
  const both = await spawn('127.0.0.4', 'both', 8004);
  const old = await spawn('127.0.0.5', 'v1', 8005);

  // A relay announced under every infohash of the zone (IH_e is public to DHT nodes near it).
  // It forwards to the `both` member, which answers v1 and v2 alike.
  const relay = await startRelay('127.0.0.66', () => ({ host: '127.0.0.4', port: both.disc.authPort }));
  t.after(() => relay.close());
  const attacker = await rawDht('127.0.0.66', swarm.bootstrap);
  t.after(() => new Promise<void>((r) => attacker.destroy(() => r())));
  const ih = epochKeys(await rendezvousKey(passwordBytes(PASS)!, E), E).infohash;
  for (const h of [ih, infohashV1(PASS)]) await new Promise<void>((r) => attacker.announce(h, relay.port, () => r()));

  await waitFor(() => a.seen.has('127.0.0.3:8003') && a.seen.has('127.0.0.4:8004') && b.seen.has('127.0.0.2:8002')
    && both.seen.has('127.0.0.2:8002') && both.seen.has('127.0.0.5:8005') && old.seen.has('127.0.0.4:8004'), 20_000, 'v2 and both nodes to meet');
  // The v1-only node: its own kind (and the both node) only; v2 nodes never talk v1 to it.
  assert.ok(!a.seen.has('127.0.0.5:8005') && !old.seen.has('127.0.0.2:8002'));
  // The relay: v1 (the old node) lists it, the documented v1 weakness; no v2 speaker ever does.
  await waitFor(() => old.seen.has('127.0.0.66:8004'), 15_000, 'the v1 node to list the relay');
  assert.ok(old.seen.has('127.0.0.66:8004'), `staging: v1 lists the relay ${JSON.stringify(old.disc.stats)} ${[...old.seen].join(' ')}`);
  await waitFor(() => (b.disc.stats.failures.unattested ?? 0) > 0, 10_000, 'a v2 node to dial the relay');
  for (const n of [a, b, both]) assert.ok(![...n.seen].some((p) => p.startsWith('127.0.0.66')), 'v2 never lists the relay');
  assert.ok((both.disc.v2Zone?.listenerStats.v2Unattested ?? 0) > 0, 'the member behind the relay saw the unattested address');

  // Hidden-check style: a plain DHT lookup of IH_e derived here finds node a's auth port.
  const found = await new Promise<Set<string>>((resolve) => {
    const peers = new Set<string>();
    const onPeer = (p: { host: string; port: number }, h: Buffer) => { if (h.equals(ih)) peers.add(`${p.host}:${p.port}`); };
    attacker.on('peer', onPeer);
    attacker.lookup(ih, () => { attacker.off('peer', onPeer); resolve(peers); });
  });
  assert.ok(found.has(`127.0.0.2:${a.disc.authPort}`), `IH_e announce of node a (${[...found].join(' ')})`);
  assert.equal(a.disc.v2Zone?.infohashes().find((c) => c.epoch === E)?.infohash, ih.toString('hex'));
});
