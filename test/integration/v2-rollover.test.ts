import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { KeyRing } from '../../src/discovery/v2/key-ring.js';
import { EPOCH_MS } from '../../src/discovery/v2/epoch-window.js';
import { epochAt, passwordBytes } from '../../src/discovery/v2/keys.js';
import { newIdentity } from '../../src/discovery/v2/session.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

/*
 * Epoch rollover with an injected clock: two v2 nodes meet in the last hour of day E (both
 * announce IH_E and IH_E+1, with keys precomputed), the clock passes midnight, and they keep
 * re-verifying each other with the new day's keys: nobody is ever lost.
 */
const PASS = Buffer.from('rollover: quartz-meadow-falcon-ember-ladder');

test('v2 peers stay listed across midnight UTC (injected clock)', async (t) => {
  const swarm = await startTestnet({ nodes: 12 });
  t.after(() => swarm.close());
  const E = epochAt(Date.now());
  let offset = (E + 1) * EPOCH_MS - 30 * 60_000 - Date.now(); // 23:30 UTC of day E
  const now = () => Date.now() + offset;
  const ring = new KeyRing({ now });
  ring.add('z', passwordBytes(PASS)!);
  ring.start();
  t.after(() => ring.close());
  await ring.whenReady('z', E);
  await ring.whenReady('z', E + 1);

  const nodes: { dht: DhtNode; disc: Discovery; lost: number; peers: number }[] = [];
  t.after(async () => { for (const n of nodes) { await n.disc.close(); await n.dht.close(); } });
  for (const [i, host] of ['127.0.0.2', '127.0.0.3'].entries()) {
    const dht = new DhtNode({ host, port: 0, bootstrap: swarm.bootstrap });
    await dht.start();
    const disc = new Discovery({
      passphrase: PASS, appPort: 7000 + i, authPort: 0, dht, host, minPeers: 1, now, protocol: 'v2',
      timing: { ...FAST_TIMING, readTimeoutMs: 2000 }, v2: { keys: ring, zone: 'z', identity: newIdentity() },
    });
    const n = { dht, disc, lost: 0, peers: 0 };
    disc.on('peer', () => { n.peers++; });
    disc.on('lost', () => { n.lost++; });
    nodes.push(n);
    await disc.start();
  }
  await waitFor(() => nodes.every((n) => n.disc.peers().length === 1), 30_000, 'the two nodes to meet before midnight');
  assert.deepEqual(nodes[0]!.disc.v2Zone!.infohashes().filter((c) => c.announces).map((c) => c.epoch).sort(), [E, E + 1]);

  offset += 31 * 60_000; // 00:01 UTC of day E+1
  ring.tick();
  const reverified = nodes.map((n) => n.disc.stats.reverifications);
  await waitFor(() => nodes.every((n, i) => n.disc.stats.reverifications >= reverified[i]! + 3), 20_000, 're-verifications after midnight');
  for (const n of nodes) {
    assert.equal(n.lost, 0, 'no peer lost across midnight');
    assert.equal(n.disc.peers().length, 1);
    assert.deepEqual(n.disc.v2Zone!.infohashes().filter((c) => c.announces).map((c) => c.epoch), [E + 1]);
  }
});
