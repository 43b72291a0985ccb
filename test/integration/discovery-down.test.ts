import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { PeerCache } from '../../src/cache/peer-cache.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

const PASS = Buffer.from('down-test');

test('when no DHT node answers, known peers are kept and served stale instead of dropped', async (t) => {
  const net = await startTestnet({ nodes: 5, host: '127.0.0.1' });
  let netClosed = false;
  t.after(() => (netClosed ? undefined : net.close()));
  const dhtA = new DhtNode({ host: '127.0.0.21', port: 0, bootstrap: net.bootstrap });
  const dhtB = new DhtNode({ host: '127.0.0.22', port: 0, bootstrap: net.bootstrap });
  await dhtA.start();
  await dhtB.start();
  t.after(() => dhtA.close());
  const a = new Discovery({ passphrase: PASS, dht: dhtA, host: '127.0.0.21', timing: FAST_TIMING });
  const b = new Discovery({ passphrase: PASS, appPort: 636, authPort: 0, dht: dhtB, host: '127.0.0.22', timing: FAST_TIMING });
  t.after(() => a.close());
  t.after(() => b.close());
  const cache = new PeerCache();
  cache.addZone('ldap', 30);
  a.on('peer', (p) => cache.upsert('ldap', p, a.nextVerifyAt(p) ?? 0));
  a.on('refresh', (p, next) => cache.upsert('ldap', p, next)); // as daemon.ts wires it
  a.on('lost', (p) => cache.remove('ldap', p));
  a.on('health', (up) => cache.setStale('ldap', !up));
  const found = once(a, 'peer');
  await b.start();
  await a.start();
  await found;
  assert.equal(cache.lookup('ldap')!.peers.length, 1);

  // Cut A off from the DHT: every DHT node it knows goes away (B's auth listener stays up).
  const wentDown = once(a, 'health');
  await net.close();
  netClosed = true;
  await dhtB.close();
  assert.deepEqual(await wentDown, [false]);
  assert.equal(a.down, true);
  assert.equal(cache.lookup('ldap')!.stale, true);

  // Now B stops answering too: while down, that says nothing about B, so B stays (stale).
  await b.close();
  await waitFor(() => a.stats.keptWhileDown >= 2, 10_000, 'failed re-verifications while down');
  assert.equal(a.stats.lost, 0);
  assert.deepEqual(a.peers().map((p) => `${p.host}:${p.port}`), ['127.0.0.22:636']);
  assert.equal(cache.lookup('ldap')!.peers.length, 1);
  // Each check kept while down moves the peer's deadline on, so it is not served as expired.
  assert.ok(cache.lookup('ldap')!.peers[0]!.expiresAt > Date.now(), 'deadline moved to the next check');
});

test('a standalone node (no bootstrap) is never down', async (t) => {
  const dht = new DhtNode({ host: '127.0.0.23', port: 0, bootstrap: [] });
  await dht.start();
  t.after(() => dht.close());
  assert.equal(dht.hasBootstrap, false);
  const d = new Discovery({ passphrase: PASS, dht, timing: FAST_TIMING });
  t.after(() => d.close());
  await d.start();
  await waitFor(() => d.stats.lookups >= 3, 5_000, 'three lookups');
  assert.equal(d.down, false);
});
