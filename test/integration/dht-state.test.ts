import { test } from 'node:test';
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
