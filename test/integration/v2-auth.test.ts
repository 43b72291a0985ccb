import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AuthListener, type Protocol } from '../../src/discovery/listener.js';
import { probeV1 } from '../../src/discovery/prober.js';
import { SelfDetector } from '../../src/discovery/self-detector.js';
import { createLogger } from '../../src/log.js';
import { KeyRing } from '../../src/discovery/v2/key-ring.js';
import { epochAt, passwordBytes } from '../../src/discovery/v2/keys.js';
import { newIdentity } from '../../src/discovery/v2/session.js';
import { newV2ListenerStats, type V2ListenerContext } from '../../src/discovery/v2/listener-session.js';
import { probeV2 } from '../../src/discovery/v2/prober-v2.js';
import { waitFor } from '../helpers/wait.js';

/*
 * The v2 edges on real loopback sockets: byte-0 dispatch, a full handshake, a v2-only listener
 * silent to v1, and the relay attack through a plain TCP forwarder on another address.
 */
const PASS = 'v2 edge test passphrase';
const prs = passwordBytes(PASS)!;
const ring = new KeyRing();
const E = epochAt(Date.now());
const dialer = newIdentity();
const timeouts = { connectTimeoutMs: 2000, readTimeoutMs: 3000 };

before(async () => {
  ring.add('z', prs);
  ring.start();
  assert.ok(await ring.whenReady('z', E));
});
after(() => ring.close());

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: 'debug', destination: { write: (s: string) => { lines.push(s); } } }) };
}

async function withListener(protocol: Protocol, fn: (l: AuthListener, port: number, v2: V2ListenerContext, lines: string[]) => Promise<void>) {
  const { lines, log } = capture();
  const v2: V2ListenerContext = {
    candidates: () => ring.candidates('z'), identity: newIdentity(), appPort: 389, attested: () => ['127.0.0.2'],
    stats: newV2ListenerStats(), log,
  };
  const l = new AuthListener({ passphrase: Buffer.from(PASS), appPort: 389, host: '127.0.0.2', port: 0, self: new SelfDetector(), protocol, v2, log });
  const port = await l.start();
  try { await fn(l, port, v2, lines); } finally { await l.close(); }
}

const dial = (host: string, port: number, extra: Partial<Parameters<typeof probeV2>[0]> = {}) =>
  probeV2({ host, port, prs, epoch: E, hintKey: ring.get('z', E)!.hintKey, identity: dialer, ownIds: [dialer.publicKey], ...timeouts, ...extra });

/** A relay with no passphrase: forwards bytes both ways between its address and a member. */
async function relay(host: string, to: { host: string; port: number }) {
  const conns = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const up = net.connect(to);
    conns.add(c).add(up);
    c.pipe(up).pipe(c);
    const drop = () => { c.destroy(); up.destroy(); };
    c.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  await new Promise<void>((res) => server.listen(0, host, res));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((res) => { for (const c of conns) c.destroy(); server.close(() => res()); }) };
}

test('v2 handshake over loopback: the dialer learns the app port and the listener identity; the listener completes', async () => {
  await withListener('v2', async (_l, port, v2) => {
    const r = await dial('127.0.0.2', port);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.port, 389);
    assert.deepEqual(r.listener.listenerId, v2.identity.publicKey);
    await waitFor(() => v2.stats.v2Completed === 1, 5000, 'listener completes');
    assert.equal(v2.stats.v2Unattested, 0);
  });
});

test('a v2-only listener sends nothing to a v1 challenge; a v1-only listener nothing to v2; both answers both', async () => {
  await withListener('v2', async (l, port) => {
    const r = await probeV1({ host: '127.0.0.2', port, passphrase: Buffer.from(PASS), self: new SelfDetector(), ...timeouts });
    assert.deepEqual(r, { ok: false, reason: 'no-response' });
    assert.equal(l.stats.answered, 0);
  });
  await withListener('v1', async (_l, port, v2) => {
    const r = await dial('127.0.0.2', port);
    assert.deepEqual(r, { ok: false, reason: 'no-response' });
    assert.equal(v2.stats.v2Answered, 0);
  });
  await withListener('both', async (_l, port) => {
    assert.deepEqual(await probeV1({ host: '127.0.0.2', port, passphrase: Buffer.from(PASS), self: new SelfDetector(), ...timeouts }), { ok: true, port: 389 });
    assert.equal((await dial('127.0.0.2', port)).ok, true);
  });
});

test('wrong passphrase and a replayed msg1 get silence, not an error message', async () => {
  await withListener('v2', async (_l, port, v2) => {
    const r = await dial('127.0.0.2', port, { prs: passwordBytes('wrong')! });
    assert.equal(r.ok, false);
    assert.equal(v2.stats.v2Answered, 1, 'the hint matched (same hint key), so the listener answered');
    const fixed = Buffer.alloc(32, 0x42);
    const same = { random: () => fixed };
    assert.ok((await dial('127.0.0.2', port, same)).ok);
    assert.deepEqual(await dial('127.0.0.2', port, same), { ok: false, reason: 'no-response' });
    assert.equal(v2.stats.v2Replays, 1);
  });
});

test('relay attack: v1 accepts the relay address (the documented weakness); v2 refuses it and the member logs it', async () => {
  await withListener('both', async (_l, port, v2, lines) => {
    const r = await relay('127.0.0.66', { host: '127.0.0.2', port });
    try {
      const v1 = await probeV1({ host: '127.0.0.66', port: r.port, passphrase: Buffer.from(PASS), self: new SelfDetector(), ...timeouts });
      assert.deepEqual(v1, { ok: true, port: 389 }, 'v1 staging works: the relay passes as a member');
      const res = await dial('127.0.0.66', r.port);
      assert.equal(res.ok, false);
      assert.equal(!res.ok && res.reason, 'unattested');
      await waitFor(() => v2.stats.v2Unattested === 1, 5000, 'listener logs the unattested address');
      assert.ok(lines.some((s) => s.includes('"dialedAs":"127.0.0.66"') && s.includes('does not attest')));
    } finally { await r.close(); }
  });
});
