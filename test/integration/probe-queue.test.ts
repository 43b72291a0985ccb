import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { AuthListener } from '../../src/discovery/listener.js';
import { SelfDetector } from '../../src/discovery/self-detector.js';
import type { Peer } from '../../src/peer.js';
import { startTarpit, refusedPort } from '../helpers/tcp.js';
import { waitFor } from '../helpers/wait.js';

const PASS = Buffer.from('probe-queue');

async function standaloneDht(host: string): Promise<DhtNode> {
  const dht = new DhtNode({ host, port: 0, bootstrap: [] });
  await dht.start();
  return dht;
}

test('a candidate pushed out of the candidate memory while queued is verified once, not twice', async (t) => {
  const honest = new AuthListener({ passphrase: PASS, appPort: 389, host: '127.0.0.51', port: 0, self: new SelfDetector() });
  const honestPort = await honest.start();
  t.after(() => honest.close());
  const tarpit = await startTarpit('127.0.0.52');
  t.after(() => tarpit.close());
  const refused = [await refusedPort('127.0.0.54'), await refusedPort('127.0.0.54'), await refusedPort('127.0.0.54')];
  const dht = await standaloneDht('127.0.0.53');
  t.after(() => dht.close());
  const d = new Discovery({
    passphrase: PASS, dht,
    // One probe at a time and a memory of two candidates: the honest one is pushed out while it waits.
    timing: { maxConcurrentProbes: 1, maxCandidates: 2, connectTimeoutMs: 500, readTimeoutMs: 800, reverifyMs: 60_000 },
  });
  t.after(() => d.close());
  const found: Peer[] = [];
  d.on('peer', (p) => found.push(p));
  await d.start();
  const hex = d.infohash.toString('hex');
  const contact = (host: string, port: number) => dht.contacts.dispatch(hex, { host, port });

  contact('127.0.0.52', tarpit.port); // holds the only slot for the read deadline
  contact('127.0.0.51', honestPort);
  contact('127.0.0.54', refused[0] as number);
  contact('127.0.0.54', refused[1] as number);
  contact('127.0.0.51', honestPort); // again, as the next lookup would bring it
  contact('127.0.0.54', refused[2] as number); // probed after everything above
  await waitFor(() => (d.stats.failures.refused ?? 0) >= 3, 10_000, 'every queued candidate to be probed');

  assert.equal(found.length, 1, 'the honest peer was reported once');
  assert.deepEqual(d.peers().map((p) => `${p.host}:${p.port}`), ['127.0.0.51:389']);
  assert.equal(honest.stats.answered, 1, 'the honest listener was challenged once');
});

test('16 probes in flight raise no MaxListenersExceededWarning on the abort signal', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const tarpits = await Promise.all(Array.from({ length: 20 }, (_, i) => startTarpit(`127.${70 + i}.0.1`)));
  t.after(() => Promise.all(tarpits.map((tp) => tp.close())));
  const dht = await standaloneDht('127.0.0.55');
  t.after(() => dht.close());
  const d = new Discovery({ passphrase: PASS, dht, timing: { connectTimeoutMs: 500, readTimeoutMs: 500 } });
  t.after(() => d.close());
  await d.start();
  const hex = d.infohash.toString('hex');
  // One IP per /24: nothing but maxConcurrentProbes limits how many run at once.
  tarpits.forEach((tp, i) => dht.contacts.dispatch(hex, { host: `127.${70 + i}.0.1`, port: tp.port }));
  await waitFor(() => (d.stats.failures['read-timeout'] ?? 0) >= 20, 10_000, 'every tarpit to be tried');
  await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
  assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
});

test('a lost peer is dialled again after its backoff without waiting for a lookup', { timeout: 20_000 }, async (t) => {
  let peer = new AuthListener({ passphrase: PASS, appPort: 389, host: '127.0.0.81', port: 0, self: new SelfDetector() });
  const port = await peer.start();
  t.after(() => peer.close());
  const dht = await standaloneDht('127.0.0.82'); // no swarm: no lookup will ever bring the contact again
  t.after(() => dht.close());
  const d = new Discovery({
    passphrase: PASS, dht,
    timing: { reverifyMs: 200, reverifyRetryMs: 100, backoffBaseMs: 300, backoffMaxMs: 1_000, connectTimeoutMs: 500, readTimeoutMs: 500 },
  });
  t.after(() => d.close());
  await d.start();
  const found = once(d, 'peer');
  dht.contacts.dispatch(d.infohash.toString('hex'), { host: '127.0.0.81', port });
  await found;
  const lost = once(d, 'lost');
  await peer.close();
  await lost;
  peer = new AuthListener({ passphrase: PASS, appPort: 389, host: '127.0.0.81', port, self: new SelfDetector() });
  await peer.start();
  await once(d, 'peer');
  assert.deepEqual(d.peers().map((p) => `${p.host}:${p.authPort}`), [`127.0.0.81:${port}`]);
});
