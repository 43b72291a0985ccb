import { test } from 'node:test';
import assert from 'node:assert/strict';
import DHT from 'bittorrent-dht';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import type { Peer } from '../../src/peer.js';
import { formatEndpoint } from '../../src/net/endpoint.js';
import { startFixedResponder, startTarpit } from '../helpers/tcp.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

const PASS = Buffer.from('integration-passphrase');

/** A raw DHT node that announces the infohash for a port it does not honestly serve. */
async function startImpostor(host: string, bootstrap: { host: string; port: number }[], tcpPort: number) {
  const dht = new DHT({ bootstrap, host: false });
  dht.on('error', () => undefined);
  await new Promise<void>((r) => dht.listen(0, host, () => r()));
  await new Promise<void>((r) => (dht.ready ? r() : dht.once('ready', () => r())));
  await new Promise<void>((r) => dht.announce(infohashV1(PASS), tcpPort, () => r()));
  return { close: () => new Promise<void>((r) => dht.destroy(() => r())) };
}

test('three nodes find each other; other passphrases, impostors and tarpits are never reported', async (t) => {
  const net = await startTestnet({ nodes: 20 });
  t.after(() => net.close());
  // An impostor with a wrong MAC on 127.0.0.5 and a tarpit on 127.0.0.6, announced before the
  // honest nodes start, so they are among the first contacts every node sees.
  const badMac = await startFixedResponder(Buffer.alloc(34, 7), '127.0.0.5');
  const tarpit = await startTarpit('127.0.0.6');
  const impostors = [await startImpostor('127.0.0.5', net.bootstrap, badMac.port), await startImpostor('127.0.0.6', net.bootstrap, tarpit.port)];
  t.after(async () => { for (const i of impostors) await i.close(); await badMac.close(); await tarpit.close(); });

  const hosts = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const found = new Map<string, Set<string>>();
  const nodes: Array<{ dht: DhtNode; disc: Discovery }> = [];
  t.after(async () => { for (const n of nodes) { await n.disc.close(); await n.dht.close(); } });
  const spawn = async (host: string, pass: Buffer, appPort: number) => {
    const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap });
    await dht.start();
    const disc = new Discovery({ passphrase: pass, appPort, authPort: 0, dht, host, minPeers: 2, timing: FAST_TIMING });
    nodes.push({ dht, disc });
    const seen = new Set<string>();
    found.set(host, seen);
    disc.on('peer', (p: Peer) => seen.add(formatEndpoint(p)));
    await disc.start();
    return disc;
  };
  // Another passphrase on 127.0.0.7 with a listener of its own.
  await spawn('127.0.0.7', Buffer.from('another passphrase'), 9999);
  const discs: Discovery[] = [];
  for (const [i, h] of hosts.entries()) discs.push(await spawn(h, PASS, 8000 + i));

  await waitFor(() => hosts.every((h) => found.get(h)!.size >= 2), 10_000, 'each node to verify the other two');
  for (const [i, h] of hosts.entries()) {
    const expected = hosts.map((o, j) => `${o}:${8000 + j}`).filter((_, j) => j !== i).sort();
    assert.deepEqual([...found.get(h)!].sort(), expected, `peers seen by ${h}`);
  }
  assert.equal(found.get('127.0.0.7')!.size, 0, 'the other passphrase finds nobody');
  // The impostors were tried and refused; the tarpit cost a read timeout, nothing more.
  const failures = () => discs.map((d) => d.stats.failures);
  assert.ok(failures().some((f) => (f['bad-mac'] ?? 0) > 0), 'a bad MAC was seen');
  await waitFor(() => failures().some((f) => (f['read-timeout'] ?? 0) > 0), 5_000, 'the tarpit to be tried and time out');
  for (const [i, h] of hosts.entries()) assert.equal(found.get(h)!.size, 2, `still exactly two peers for node ${i}`);
});
