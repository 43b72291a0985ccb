import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import DHT from 'bittorrent-dht';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { DIALS_PER_HOST, DialGate } from '../../src/discovery/dial-gate.js';
import { AUTH_MAX_CONNECTIONS_PER_IP } from '../../src/discovery/timing.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import { FAST_TIMING } from '../helpers/wait.js';

/*
 * A daemon's zones that share a sibling dial it through one DialGate: twelve zones that all learn
 * the same endpoint at once keep at most 4 dials in flight to it (a listener admits 8 per source
 * IP and closes the rest at accept, which the dialers would count as failures and back off).
 * The endpoint is a tarpit that holds every connection until the dialer gives up, so dials overlap.
 */
const ZONES = 12;
const HOST = '127.0.0.51';
const TARGET = '127.0.0.52';

test('twelve zones dialling one sibling at once stay under the listener per-IP cap', async (t) => {
  const swarm = await startTestnet({ nodes: 12 });
  t.after(() => swarm.close());

  const gate = new DialGate();
  let open = 0;
  let maxOpen = 0;
  let accepted = 0;
  let allAccepted!: () => void;
  const done = new Promise<void>((r) => { allAccepted = r; });
  const held = new Set<net.Socket>();
  const tarpit = net.createServer((s) => {
    held.add(s);
    open++;
    maxOpen = Math.max(maxOpen, open);
    if (++accepted === ZONES) allAccepted();
    s.on('error', () => undefined);
    s.resume(); // read, so a dialer's close is seen
    s.on('close', () => { open--; held.delete(s); });
  });
  tarpit.listen(0, TARGET);
  await once(tarpit, 'listening');
  t.after(() => new Promise<void>((r) => { for (const s of held) s.destroy(); tarpit.close(() => r()); }));
  const port = (tarpit.address() as net.AddressInfo).port;

  const passphrases = Array.from({ length: ZONES }, (_, i) => `dial gate zone ${i}`);
  const announcer = new DHT({ bootstrap: swarm.bootstrap, host: false });
  announcer.on('error', () => undefined);
  await new Promise<void>((r) => announcer.listen(0, TARGET, () => r()));
  t.after(() => new Promise<void>((r) => announcer.destroy(() => r())));
  for (const p of passphrases) await new Promise<void>((r) => announcer.announce(infohashV1(p), port, () => r()));

  const dht = new DhtNode({ host: HOST, port: 0, bootstrap: swarm.bootstrap });
  await dht.start();
  const zones = passphrases.map((p) => new Discovery({
    passphrase: Buffer.from(p), dht, host: HOST, protocol: 'v1', dialGate: gate,
    timing: { ...FAST_TIMING, connectTimeoutMs: 2_000, readTimeoutMs: 1_000 },
  }));
  t.after(async () => { for (const z of zones) await z.close(); await dht.close(); });
  await Promise.all(zones.map((z) => z.start()));

  await done;
  // The gate holds DIALS_PER_HOST; the server may see one more for a moment, when a dialer's close
  // and the next dial's connect reach it in the same turn. What matters is the listener's cap.
  assert.ok(DIALS_PER_HOST < AUTH_MAX_CONNECTIONS_PER_IP);
  assert.ok(maxOpen < AUTH_MAX_CONNECTIONS_PER_IP, `under the listener's ${AUTH_MAX_CONNECTIONS_PER_IP} per IP, saw ${maxOpen}`);
  assert.ok(maxOpen >= DIALS_PER_HOST, `the zones did dial concurrently (saw ${maxOpen}), so the bound was exercised`);
});
