import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { AuthListener } from '../../../src/discovery/listener.js';
import { probeV1 } from '../../../src/discovery/prober.js';
import { SelfDetector } from '../../../src/discovery/self-detector.js';
import { encodeChallenge, respondV1, RESPONSE_MESSAGE_BYTES } from '../../../src/discovery/handshake-v1.js';
import { startTarpit, startFixedResponder, exchange, refusedPort } from '../../helpers/tcp.js';

const PASS = Buffer.from('wherezexample');
const probeDefaults = { connectTimeoutMs: 1000, readTimeoutMs: 300 };

async function withListener(fn: (l: AuthListener, port: number) => Promise<void>, extra: Partial<ConstructorParameters<typeof AuthListener>[0]> = {}) {
  const l = new AuthListener({ passphrase: PASS, appPort: 8080, host: '127.0.0.1', port: 0, self: new SelfDetector(), ...extra });
  const port = await l.start();
  try { await fn(l, port); } finally { await l.close(); }
}

test('a prober with the passphrase learns the app port from the listener', async () => {
  await withListener(async (l, port) => {
    const r = await probeV1({ host: '127.0.0.1', port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
    assert.deepEqual(r, { ok: true, port: 8080 });
    assert.equal(l.stats.answered, 1);
  });
});

test('another passphrase fails with bad-mac', async () => {
  await withListener(async (_l, port) => {
    const r = await probeV1({ host: '127.0.0.1', port, passphrase: Buffer.from('other'), self: new SelfDetector(), ...probeDefaults });
    assert.deepEqual(r, { ok: false, reason: 'bad-mac' });
  });
});

test('probing our own listener is recognised as self', async () => {
  const self = new SelfDetector();
  await withListener(async (l, port) => {
    const r = await probeV1({ host: '127.0.0.1', port, passphrase: PASS, self, ...probeDefaults });
    assert.deepEqual(r, { ok: false, reason: 'self' });
    assert.equal(l.stats.self, 1);
    assert.equal(l.stats.answered, 0);
  }, { self });
});

test('a tarpit costs one read timeout, a closed port is refused', async () => {
  const tarpit = await startTarpit();
  try {
    const started = Date.now();
    const r = await probeV1({ host: '127.0.0.1', port: tarpit.port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
    assert.deepEqual(r, { ok: false, reason: 'read-timeout' });
    assert.ok(Date.now() - started < 2000);
  } finally { await tarpit.close(); }
  const port = await refusedPort();
  const r = await probeV1({ host: '127.0.0.1', port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
  assert.deepEqual(r, { ok: false, reason: 'refused' });
});

test('impostor answers: port 0, short reply, right length wrong MAC', async () => {
  const ch = Buffer.alloc(20);
  const cases: Array<[Buffer, string]> = [
    [respondV1(PASS, 0, { dedupe: Buffer.alloc(10), challenge: ch }), 'bad-mac'], // MAC over a challenge we never sent
    [Buffer.alloc(RESPONSE_MESSAGE_BYTES - 1), 'short'],
    [Buffer.alloc(0), 'no-response'],
  ];
  for (const [reply, reason] of cases) {
    const srv = await startFixedResponder(reply);
    try {
      const r = await probeV1({ host: '127.0.0.1', port: srv.port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
      assert.deepEqual(r, { ok: false, reason });
    } finally { await srv.close(); }
  }
});

test('a listener proving port 0 is rejected', async () => {
  await withListener(async (_l, port) => {
    const r = await probeV1({ host: '127.0.0.1', port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
    assert.deepEqual(r, { ok: false, reason: 'port-zero' });
  }, { appPort: 0 });
});

test('junk, wrong magic and half-sent challenges get no reply and do not stop the listener', async () => {
  await withListener(async (l, port) => {
    const good = encodeChallenge({ dedupe: Buffer.alloc(10, 1), challenge: Buffer.alloc(20, 2) });
    const upper = Buffer.from(good); upper.write('WHEREZ', 0, 'ascii');
    assert.equal((await exchange(port, upper)).length, 0);
    assert.equal((await exchange(port, Buffer.alloc(36, 0xff))).length, 0);
    // 35 bytes then silence: the read deadline closes it.
    const half = net.connect(port, '127.0.0.1');
    await once(half, 'connect');
    half.write(good.subarray(0, 35));
    await once(half, 'close');
    assert.equal(l.stats.timeouts, 1);
    assert.equal(l.stats.junk, 2);
    assert.equal((await exchange(port, good)).length, RESPONSE_MESSAGE_BYTES);
  }, { deadlineMs: 200 });
});

test('connections over the cap are dropped; the listener serves again once they go', async () => {
  await withListener(async (l, port) => {
    const idle: net.Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const s = net.connect(port, '127.0.0.1');
      await once(s, 'connect');
      idle.push(s);
    }
    const extra = net.connect(port, '127.0.0.1');
    extra.on('error', () => {});
    await once(extra, 'close');
    assert.equal(l.stats.overCap, 1);
    for (const s of idle) s.destroy();
    await Promise.all(idle.map((s) => (s.closed ? Promise.resolve() : once(s, 'close'))));
    // The server notices the closes asynchronously; a probe right after can still race them.
    let r = await probeV1({ host: '127.0.0.1', port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
    for (let i = 0; i < 20 && !r.ok; i++) {
      await new Promise((res) => setImmediate(res));
      r = await probeV1({ host: '127.0.0.1', port, passphrase: PASS, self: new SelfDetector(), ...probeDefaults });
    }
    assert.deepEqual(r, { ok: true, port: 8080 });
  }, { maxConnections: 2, deadlineMs: 5000 });
});
