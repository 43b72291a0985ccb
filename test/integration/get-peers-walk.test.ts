import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import DHT from 'bittorrent-dht';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { decodeCompactPeer } from '../../src/discovery/get-peers-walk.js';
import { DHT_QUERY_TIMEOUT_MS } from '../../src/discovery/timing.js';

const INFOHASH = Buffer.alloc(20, 7);

// A dead node in the walk (here: a bootstrap entry that never answers) holds the walk open for a
// whole query timeout; the announce must not wait for it.
test('a walk announces to the closest nodes as they answer, before its slowest query ends', async (t) => {
  const net = await startTestnet({ nodes: 20, host: '127.0.0.1' });
  t.after(() => net.close());
  const silent = dgram.createSocket('udp4');
  silent.bind(0, '127.0.0.41');
  await once(silent, 'listening');
  t.after(() => silent.close());
  const dht = new DhtNode({ host: '127.0.0.42', port: 0, bootstrap: [{ host: '127.0.0.41', port: silent.address().port }, ...net.bootstrap] });
  await dht.start();
  t.after(() => dht.close());

  const t0 = performance.now();
  let announcedAt = 0;
  const walk = dht.walk(INFOHASH, 4242, () => { announcedAt = performance.now() - t0; });
  assert.ok(walk);
  const { responders, stored } = await walk.run();
  const doneAt = performance.now() - t0;
  assert.ok(responders >= 8, `${responders} responders`);
  assert.ok(stored >= 8, `${stored} nodes stored the announce`);
  assert.ok(doneAt >= DHT_QUERY_TIMEOUT_MS * 0.9, `the walk waited for the silent node (${doneAt.toFixed(0)} ms)`);
  assert.ok(announcedAt > 0 && announcedAt < doneAt - DHT_QUERY_TIMEOUT_MS / 2, `announced at ${announcedAt.toFixed(0)} ms, walk done at ${doneAt.toFixed(0)} ms`);

  // The announce is a real BEP 5 one: a plain bittorrent-dht node finds it.
  const other = new DHT({ bootstrap: net.bootstrap, host: false });
  t.after(() => new Promise<void>((r) => other.destroy(() => r())));
  await new Promise<void>((r) => other.listen(0, '127.0.0.43', () => r()));
  const found = new Promise<{ host: string; port: number }>((resolve) => other.on('peer', (p: { host: string; port: number }, ih: Buffer) => { if (ih.equals(INFOHASH)) resolve(p); }));
  other.lookup(INFOHASH);
  assert.deepEqual(await found, { host: '127.0.0.42', port: 4242 });
});

test('compact peers: exactly 6 bytes, anything else is null', () => {
  assert.deepEqual(decodeCompactPeer(Buffer.from([10, 0, 0, 1, 0x1f, 0x90])), { host: '10.0.0.1', port: 8080 });
  for (const n of [0, 5, 7, 18]) assert.equal(decodeCompactPeer(Buffer.alloc(n, 1)), null);
});
