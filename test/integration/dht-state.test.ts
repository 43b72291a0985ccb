import { test } from 'node:test';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DhtNode } from '../../src/discovery/dht.js';
import { startTestnet } from '../../src/discovery/testnet.js';
import { isWherezError } from '../../src/errors.js';

test('the DHT node keeps its id and routing table across restarts', async (t) => {
  const net = await startTestnet({ nodes: 5 });
  t.after(() => net.close());
  const dir = await mkdtemp(join(tmpdir(), 'wherez-dht-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: net.bootstrap, stateDir: dir });
  await a.start();
  await a.lookup(Buffer.alloc(20, 1));
  const id = a.nodeId;
  await a.close();
  await a.close(); // idempotent
  const files = (await import('node:fs')).readdirSync(dir);
  assert.deepEqual(files, ['dht-0.json'], 'one state file, no temp files left');
  const saved = JSON.parse(await readFile(join(dir, 'dht-0.json'), 'utf8')) as { nodeId: string; nodes: unknown[] };
  assert.equal(saved.nodeId, id);
  assert.ok(saved.nodes.length >= 1, 'routing table saved');
  const b = new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: [], stateDir: dir });
  await b.start();
  t.after(() => b.close());
  assert.equal(b.nodeId, id, 'same node id after restart');
});

test('the routing table is saved once bootstrap fills it, not only at exit (a kill -9 restarts warm)', async (t) => {
  const net = await startTestnet({ nodes: 5 });
  t.after(() => net.close());
  const dir = await mkdtemp(join(tmpdir(), 'wherez-dht-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: net.bootstrap, stateDir: dir });
  const saved = once(a, 'saved');
  await a.start();
  t.after(() => a.close());
  const [count] = await saved as [number];
  assert.ok(count >= 1, 'nodes in the first save');
  const onDisk = JSON.parse(await readFile(join(dir, 'dht-0.json'), 'utf8')) as { nodeId: string; nodes: unknown[] };
  assert.equal(onDisk.nodeId, a.nodeId);
  assert.equal(onDisk.nodes.length, count);
});

test('a DHT bind to an address no interface has fails at once with a code (k-rpc reports it only as a warning)', async () => {
  const started = Date.now();
  for (const host of ['192.0.2.77', '::']) {
    const a = new DhtNode({ host, port: 0, bootstrap: [] });
    await assert.rejects(a.start(), (e: unknown) => isWherezError(e, 'WHEREZ_LISTEN_FAILED'), host);
    await a.close();
  }
  assert.ok(Date.now() - started < 2_000, 'no wait for a deadline');
});

test('close() during start rejects the start and leaves nothing running', async () => {
  const a = new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: [] });
  const starting = a.start();
  await a.close();
  await assert.rejects(starting, (e: unknown) => isWherezError(e, 'WHEREZ_CLOSED'));
  assert.equal(a.port, 0);
});

test('bootstrap entries with port 0 are refused before bittorrent-dht sees them', () => {
  assert.throws(() => new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: [{ host: '127.0.0.1', port: 0 }] }),
    (e: unknown) => isWherezError(e, 'WHEREZ_BOOTSTRAP_INVALID'));
});

test('a DHT port in use is a coded error, not a crash', async (t) => {
  const a = new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: [] });
  await a.start();
  t.after(() => a.close());
  const b = new DhtNode({ host: '127.0.0.1', port: a.port, bootstrap: [] });
  await assert.rejects(b.start(), (e: unknown) => isWherezError(e, 'WHEREZ_LISTEN_IN_USE'));
  await b.close();
});
