import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { AuthListener } from '../../src/discovery/listener.js';
import { probeV1 } from '../../src/discovery/prober.js';
import { SelfDetector } from '../../src/discovery/self-detector.js';
import { encodeChallenge, RESPONSE_MESSAGE_BYTES } from '../../src/discovery/handshake-v1.js';
import { startAuthFlood } from '../helpers/auth-flood.js';
import { waitFor } from '../helpers/wait.js';
import { DEFAULT_TIMING } from '../../src/discovery/timing.js';

const PASS = Buffer.from('auth flood');

async function listener(t: { after: (fn: () => Promise<void>) => void }, extra: Partial<ConstructorParameters<typeof AuthListener>[0]>) {
  const l = new AuthListener({ passphrase: PASS, appPort: 636, host: '127.0.0.60', port: 0, self: new SelfDetector(), ...extra });
  const port = await l.start();
  t.after(() => l.close());
  return { l, port };
}

const probe = (port: number, from: string) => probeV1({
  host: '127.0.0.60', port, passphrase: PASS, self: new SelfDetector(), connectTimeoutMs: DEFAULT_TIMING.connectTimeoutMs, readTimeoutMs: DEFAULT_TIMING.readTimeoutMs, localAddress: from,
});

test('clients that take their answer and never send FIN lose their slot soon after', { timeout: 20_000 }, async (t) => {
  const { l, port } = await listener(t, { maxConnections: 4, maxConnectionsPerIp: 4, maxConnectionsPerPrefix: 4, deadlineMs: 3_000 });
  const challenge = encodeChallenge({ dedupe: Buffer.alloc(10, 7), challenge: Buffer.alloc(20, 9) });
  const halfOpen = await Promise.all(Array.from({ length: 4 }, async () => {
    const s = net.connect({ host: '127.0.0.60', port, localAddress: '127.0.0.61', allowHalfOpen: true });
    s.on('error', () => undefined);
    await once(s, 'connect');
    let got = 0;
    const answered = new Promise<void>((resolve) => s.on('data', (c: Buffer) => { got += c.length; if (got >= RESPONSE_MESSAGE_BYTES) resolve(); }));
    s.write(challenge);
    await answered;
    return s;
  }));
  t.after(() => { for (const s of halfOpen) s.destroy(); });
  assert.equal(l.stats.answered, 4);
  // They never end their side; the listener must still let go of them, well before the deadline.
  const started = Date.now();
  await waitFor(() => l.connections === 0, 10_000, 'the half-open connections to be released');
  assert.ok(Date.now() - started < 2_500, 'released after the linger, not at the 3 s deadline');
  assert.deepEqual(await probe(port, '127.0.0.62'), { ok: true, port: 636 });
});

test('a connection dripping bytes is closed at the whole-lifetime deadline', { timeout: 20_000 }, async (t) => {
  const { l, port } = await listener(t, { deadlineMs: 400 });
  const s = net.connect({ host: '127.0.0.60', port, localAddress: '127.0.0.61' });
  s.on('error', () => undefined);
  await once(s, 'connect');
  const drip = setInterval(() => s.write(Buffer.from('w')), 50);
  t.after(() => { clearInterval(drip); s.destroy(); });
  const started = Date.now();
  await once(s, 'close');
  assert.ok(Date.now() - started < 2_000, 'closed at the deadline, not kept alive by its bytes');
  assert.equal(l.stats.timeouts, 1);
});

test('one source cannot take every slot: an honest probe from elsewhere is answered at once', { timeout: 20_000 }, async (t) => {
  const { l, port } = await listener(t, { maxConnections: 8, maxConnectionsPerIp: 4, maxConnectionsPerPrefix: 8, deadlineMs: 60_000 });
  const silent: net.Socket[] = [];
  t.after(() => { for (const s of silent) s.destroy(); });
  for (let i = 0; i < 20; i++) {
    const s = net.connect({ host: '127.0.0.60', port, localAddress: '127.0.0.63' });
    s.on('error', () => undefined);
    silent.push(s);
    await once(s, 'connect');
  }
  assert.deepEqual(await probe(port, '127.0.1.64'), { ok: true, port: 636 });
  assert.ok(l.stats.overCap >= 16, `over the source's share: ${l.stats.overCap}`);
});

test('under a 1,000-connection flood from 8 addresses, honest probes are all answered', { timeout: 60_000 }, async (t) => {
  const { l, port } = await listener(t, {}); // the defaults a daemon runs with
  const sources = Array.from({ length: 8 }, (_, i) => `127.0.2.${i + 1}`);
  const flood = startAuthFlood({ host: '127.0.0.60', port, sources, connections: 1_000, reconnectMs: 1_000 });
  t.after(() => flood.stop());
  // Wait until the flood has filled every share it can (events, not a sleep: the counters move as connections arrive).
  while (flood.stats.opened < 1_000) await new Promise((r) => setImmediate(r));
  const results = [];
  for (let i = 0; i < 20; i++) results.push(await probe(port, `127.0.3.${i + 1}`));
  assert.deepEqual(results.filter((r) => !r.ok), [], 'every honest probe answered');
  assert.ok(l.stats.overCap > 0, 'the flood was over its share');
  await flood.stop();
});
