import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import bencode from 'bencode';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

function compact(ip: number[], port: number): Buffer {
  const b = Buffer.alloc(6);
  ip.forEach((x, i) => b.writeUInt8(x, i));
  b.writeUInt16BE(port, 4);
  return b;
}

/** A hostile DHT node: answers every query with junk `values` (and one malformed packet). */
async function startHostileNode(): Promise<{ port: number; close: () => Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  const id = Buffer.alloc(20, 0xab);
  sock.on('message', (msg, rinfo) => {
    let q: { t?: Uint8Array } = {};
    try { q = bencode.decode(msg) as { t?: Uint8Array }; } catch { return; }
    sock.send(Buffer.from('d1:rde1:t'), rinfo.port, rinfo.address); // truncated bencode
    const values = [
      compact([0, 0, 0, 0], 40000), compact([224, 1, 1, 1], 40000), compact([255, 255, 255, 255], 40000),
      compact([127, 0, 0, 1], 0), Buffer.from([1, 2, 3]),
    ];
    const reply = { t: q.t ?? Buffer.alloc(2), y: 'r', r: { id, token: Buffer.from('tok'), values, nodes: Buffer.from([1, 2, 3]) } };
    sock.send(Buffer.from(bencode.encode(reply)), rinfo.port, rinfo.address);
  });
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  return { port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

test('garbage DHT values are counted and dropped, never probed, never fatal', async (t) => {
  const hostile = await startHostileNode();
  t.after(() => hostile.close());
  const dht = new DhtNode({ host: '127.0.0.31', port: 0, bootstrap: [{ host: '127.0.0.1', port: hostile.port }] });
  await dht.start();
  t.after(() => dht.close());
  const d = new Discovery({ passphrase: Buffer.from('garbage'), dht, timing: FAST_TIMING });
  t.after(() => d.close());
  await d.start();
  await waitFor(() => dht.garbageContacts >= 3 && d.stats.lookups >= 2, 10_000, 'junk values to arrive over two lookups');
  assert.equal(d.stats.probes, 0, 'nothing was dialled');
  assert.deepEqual(d.peers(), []);
});
