import { test } from 'node:test';
import assert from 'node:assert/strict';
import DHT from 'bittorrent-dht';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import type { Endpoint } from '../../src/net/endpoint.js';

const ZONES = 1_000;
const BASE_PORT = 20_000;

function announce(dht: DHT, infohash: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) => dht.announce(infohash, port, (err) => (err ? reject(err) : resolve())));
}

test('one DHT node, 1,000 zones: real announces reach exactly their zone, no listener warning', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));

  const node = new DhtNode({ host: '127.0.0.41', port: 0, bootstrap: [] });
  await node.start();
  t.after(() => node.close());
  const hashes = Array.from({ length: ZONES }, (_, i) => infohashV1(Buffer.from(`zone-${i}`)));
  // Discovery objects (discover-only) subscribe through the index, as the daemon's zones do.
  const zones = hashes.map((_, i) => new Discovery({ passphrase: Buffer.from(`zone-${i}`), dht: node }));
  t.after(() => Promise.all(zones.map((z) => z.close())));
  await Promise.all(zones.map((z) => z.start()));
  assert.equal(node.contacts.size, ZONES);
  // Next to them, plain subscribers that record what arrives.
  const got: Endpoint[][] = hashes.map(() => []);
  const offs = hashes.map((h, i) => node.subscribe(h, (c) => got[i]?.push(c)));

  // A real bittorrent-dht node announces every zone's infohash to ours, each with its own port.
  const announcer = new DHT({ bootstrap: [{ host: '127.0.0.41', port: node.port }], host: false });
  t.after(() => new Promise<void>((r) => announcer.destroy(() => r())));
  await new Promise<void>((r) => announcer.listen(0, '127.0.0.42', () => r()));
  for (let i = 0; i < ZONES; i += 50) {
    await Promise.all(hashes.slice(i, i + 50).map((h, j) => announce(announcer, h, BASE_PORT + i + j)));
  }

  for (let i = 0; i < ZONES; i++) {
    // Our node's own lookups also return what it stores, so a contact may come more than once.
    const own = { host: '127.0.0.42', port: BASE_PORT + i };
    assert.ok((got[i]?.length ?? 0) >= 1, `zone ${i} got its contact`);
    assert.deepEqual(new Set(got[i]?.map((c) => `${c.host}:${c.port}`)), new Set([`${own.host}:${own.port}`]), `zone ${i} got only its own contact`);
    assert.ok((zones[i]?.stats.contacts ?? 0) >= 1, `discovery of zone ${i} considered its contact`);
  }
  assert.equal(node.contacts.unwanted, 0);
  assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), []);

  offs.forEach((off) => off());
  await Promise.all(zones.map((z) => z.close()));
  assert.equal(node.contacts.size, 0, 'closed zones leave the index');
});
