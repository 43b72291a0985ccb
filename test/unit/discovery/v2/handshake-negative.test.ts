import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { epochKeys, passwordBytes } from '../../../../src/discovery/v2/keys.js';
import { identityFromSeed, newIdentity } from '../../../../src/discovery/v2/session.js';
import { dialerFinish, dialerStart, type DialerState } from '../../../../src/discovery/v2/dialer-handshake.js';
import {
  listenerFinish, listenerRespond, matchHint, type ListenerState, type ZoneEpoch,
} from '../../../../src/discovery/v2/listener-handshake.js';
import {
  decodeClientInfo, decodeMsg1, decodeServerInfo, encodeServerInfo,
} from '../../../../src/discovery/v2/wire.js';

/*
 * Negative vectors (design section 5, item 5). Each case names its outcome: "listener closes,
 * writes nothing" (listener step returns a failure or no zone), "dialer closes" (dialerFinish fails:
 * no msg3), or "msg3 sent, no export".
 */
const E = 20000;
// The epoch keys need RK only; a fixed RK keeps these tests free of scrypt (keys.test.ts covers it).
const rk = (tag: number) => Buffer.alloc(32, tag);
const PRS = passwordBytes('correct horse battery staple')!;
const zoneAt = (epoch: number, prs = PRS, tag = epoch % 251): ZoneEpoch<string> =>
  ({ zone: `z${tag}`, prs, epoch, hintKey: epochKeys(rk(tag), epoch).hintKey });
const L = identityFromSeed(Buffer.alloc(32, 0x11));
const D = identityFromSeed(Buffer.alloc(32, 0x22));
const ATTESTED = ['127.0.0.2', '::1'];
const lowOrder = (JSON.parse(readFileSync(new URL('../../../../../test/fixtures/cpace-x25519-vectors.json', import.meta.url), 'utf8')) as
  { scalar_mult_vfy: { cases: { u: string; abort: boolean }[] } }).scalar_mult_vfy.cases.filter((c) => c.abort).map((c) => Buffer.from(c.u, 'hex'));

interface Run { zone: ZoneEpoch<string>; msg1: Buffer; dState: DialerState; msg2: Buffer; lState: ListenerState; msg3: Buffer }

function honest(zone = zoneAt(E)): Run {
  const s = dialerStart({ prs: zone.prs, epoch: zone.epoch, hintKey: zone.hintKey, cr: randomBytes(32), ya: randomBytes(32) })!;
  const m = matchHint(decodeMsg1(s.msg1)!, [zone])!;
  const r = listenerRespond(s.msg1, m, { identity: L, appPort: 389, attested: ATTESTED, yb: randomBytes(32) });
  assert.ok(r.ok);
  const d = dialerFinish(s.state, r.msg2, { identity: D, ownIds: [D.publicKey], dialed: '127.0.0.2' });
  assert.ok(d.ok && d.exported);
  return { zone, msg1: s.msg1, dState: s.state, msg2: r.msg2, lState: r.state, msg3: d.msg3 };
}

const flip = (b: Buffer, i: number, bit = 1) => { const c = Buffer.from(b); c[i] = (c[i] as number) ^ bit; return c; };

/** Listener side of msg1: null = closes and writes nothing. */
function listenerOn(msg1: Buffer, zones: ZoneEpoch<string>[]): Buffer | null {
  const m = decodeMsg1(msg1);
  const z = m && matchHint(m, zones);
  if (!z) return null;
  const r = listenerRespond(msg1, z, { identity: L, appPort: 389, attested: ATTESTED, yb: randomBytes(32) });
  return r.ok ? r.msg2 : null;
}

const ctx = { identity: D, ownIds: [D.publicKey], dialed: '127.0.0.2' };

test('msg1: a bit flip in magic, suite, flags, cr or hint closes the listener; in Ya the dialer closes', () => {
  const run = honest();
  for (let i = 0; i < 86; i++) {
    for (const bit of [0x01, 0x80]) {
      const bad = flip(run.msg1, i, bit);
      const msg2 = listenerOn(bad, [run.zone]);
      if (i < 54) { assert.equal(msg2, null, `msg1 byte ${i}: listener closes, writes nothing`); continue; }
      // Ya is not under the hint: the listener answers, but the ISK differs, so the dialer's AEAD fails.
      if (msg2 !== null) assert.equal(dialerFinish(run.dState, msg2, ctx).ok, false, `msg1 byte ${i}: dialer closes`);
    }
  }
});

test('msg2: a bit flip in Yb, len2 or C2 makes the dialer close (no msg3)', () => {
  const run = honest();
  for (let i = 0; i < run.msg2.length; i++) {
    const r = dialerFinish(run.dState, flip(run.msg2, i), ctx);
    assert.equal(r.ok, false, `msg2 byte ${i}`);
  }
});

test('msg3: a bit flip in len3 or C3 makes the listener reject it', () => {
  const run = honest();
  assert.ok(listenerFinish(run.lState, run.msg3).ok);
  for (let i = 0; i < run.msg3.length; i++) assert.equal(listenerFinish(run.lState, flip(run.msg3, i)).ok, false, `msg3 byte ${i}`);
});

test('flags != 0 and suite != 1: listener closes', () => {
  const run = honest();
  for (const [off, v] of [[5, 1], [5, 0x80], [4, 0], [4, 2]] as const) {
    const bad = Buffer.from(run.msg1);
    bad[off] = v;
    assert.equal(decodeMsg1(bad), null);
    assert.equal(listenerOn(bad, [run.zone]), null);
  }
});

test('hint of epoch e-2 or of another zone: listener closes; e-1, e, e+1 are accepted', () => {
  const window = [zoneAt(E - 1), zoneAt(E), zoneAt(E + 1)];
  for (const x of [E - 1, E, E + 1]) assert.notEqual(listenerOn(honest(zoneAt(x)).msg1, window), null, `epoch ${x}`);
  assert.equal(listenerOn(honest(zoneAt(E - 2)).msg1, window), null, 'epoch e-2');
  assert.equal(listenerOn(honest(zoneAt(E, PRS, 99)).msg1, window), null, 'another zone');
});

test('multi-zone: 3 zones x 3 epochs give exactly the one match, in any order', () => {
  const all: ZoneEpoch<string>[] = [];
  for (const tag of [1, 2, 3]) for (const x of [E - 1, E, E + 1]) all.push({ ...zoneAt(x, PRS, tag * 10 + x - E + 1) });
  for (const target of all) {
    const s = dialerStart({ prs: PRS, epoch: target.epoch, hintKey: target.hintKey, cr: randomBytes(32), ya: randomBytes(32) })!;
    for (const order of [all, [...all].reverse()]) assert.equal(matchHint(decodeMsg1(s.msg1)!, order), target);
  }
  // Two zones sharing a hint key (the same passphrase twice) are ambiguous: refuse.
  const s = dialerStart({ prs: PRS, epoch: E, hintKey: all[0]!.hintKey, cr: randomBytes(32), ya: randomBytes(32) })!;
  assert.equal(matchHint(decodeMsg1(s.msg1)!, [all[0]!, { ...all[0]!, zone: 'twin' }]), null);
});

test('low-order Ya: listener closes; low-order Yb: dialer closes; Yb = Ya: dialer closes (reflection)', () => {
  const run = honest();
  for (const u of lowOrder) {
    const bad = Buffer.from(run.msg1);
    u.copy(bad, 54);
    const r = listenerRespond(bad, run.zone, { identity: L, appPort: 389, attested: ATTESTED, yb: randomBytes(32) });
    assert.deepEqual(r, { ok: false, reason: 'invalid-point' });
    const msg2 = Buffer.from(run.msg2);
    u.copy(msg2, 0);
    assert.deepEqual(dialerFinish(run.dState, msg2, ctx), { ok: false, reason: 'invalid-point' });
  }
  const reflected = Buffer.from(run.msg2);
  run.dState.Ya.copy(reflected, 0);
  assert.deepEqual(dialerFinish(run.dState, reflected, ctx), { ok: false, reason: 'reflection' });
});

test('spliced msg2 from another session, and the right hint with a wrong PRS: dialer AEAD fails', () => {
  const a = honest();
  const b = honest();
  assert.deepEqual(dialerFinish(a.dState, b.msg2, ctx), { ok: false, reason: 'aead' });
  const wrong = { ...a.zone, prs: passwordBytes('correct horse battery stapler')! };
  const r = listenerRespond(a.msg1, wrong, { identity: L, appPort: 389, attested: ATTESTED, yb: randomBytes(32) });
  assert.ok(r.ok);
  assert.deepEqual(dialerFinish(a.dState, r.msg2, ctx), { ok: false, reason: 'aead' });
});

test('len2/len3 out of range, truncation and trailing bytes', () => {
  const run = honest();
  for (const len of [0, 122, 1025, 0xffff]) {
    const m2 = Buffer.from(run.msg2);
    m2.writeUInt16BE(len, 32);
    assert.equal(dialerFinish(run.dState, m2, ctx).ok, false, `len2 ${len}`);
    const m3 = Buffer.from(run.msg3);
    m3.writeUInt16BE(len === 122 ? 119 : len, 0);
    assert.equal(listenerFinish(run.lState, m3).ok, false, `len3 ${len}`);
  }
  for (const cut of [1, 16, 100]) {
    assert.equal(decodeMsg1(run.msg1.subarray(0, 86 - cut)), null);
    assert.equal(dialerFinish(run.dState, run.msg2.subarray(0, run.msg2.length - cut), ctx).ok, false);
    assert.equal(listenerFinish(run.lState, run.msg3.subarray(0, run.msg3.length - cut)).ok, false);
  }
  const extra = Buffer.from([0]);
  assert.equal(decodeMsg1(Buffer.concat([run.msg1, extra])), null);
  assert.equal(dialerFinish(run.dState, Buffer.concat([run.msg2, extra]), ctx).ok, false);
  assert.equal(listenerFinish(run.lState, Buffer.concat([run.msg3, extra])).ok, false);
});

test('L_id = own key: dialer closes without msg3; D_id = listener key: listener rejects', () => {
  const run = honest();
  assert.deepEqual(dialerFinish(run.dState, run.msg2, { identity: D, ownIds: [D.publicKey, L.publicKey], dialed: '127.0.0.2' }), { ok: false, reason: 'self' });
  const s = dialerStart({ prs: PRS, epoch: E, hintKey: run.zone.hintKey, cr: randomBytes(32), ya: randomBytes(32) })!;
  const r = listenerRespond(s.msg1, run.zone, { identity: L, appPort: 389, attested: ATTESTED, yb: randomBytes(32) });
  assert.ok(r.ok);
  const d = dialerFinish(s.state, r.msg2, { identity: L, ownIds: [newIdentity().publicKey], dialed: '127.0.0.2' });
  assert.ok(d.ok);
  assert.deepEqual(listenerFinish(r.state, d.msg3), { ok: false, reason: 'self' });
});

test('dialed IP not attested (the relay case): msg3 sent, no export; IPv4-mapped dialed addresses compare as IPv4', () => {
  const run = honest();
  const relayed = dialerFinish(run.dState, run.msg2, { ...ctx, dialed: '127.0.0.66' });
  assert.ok(relayed.ok && !relayed.exported && relayed.reason === 'unattested');
  assert.ok(listenerFinish(run.lState, relayed.msg3).ok);
  const mapped = dialerFinish(run.dState, run.msg2, { ...ctx, dialed: '::ffff:127.0.0.2' });
  assert.ok(mapped.ok && mapped.exported);
  const v6 = dialerFinish(run.dState, run.msg2, { ...ctx, dialed: '0:0:0:0:0:0:0:1' });
  assert.ok(v6.ok && v6.exported);
});

test('ServerInfo and ClientInfo decoders: exact parse or null', () => {
  const good = { appPort: 1, listenerId: Buffer.alloc(32), signature: Buffer.alloc(64), addresses: [{ family: 4 as const, bytes: Buffer.alloc(4) }], extensions: [{ type: 9, value: Buffer.from('x') }] };
  const enc = encodeServerInfo(good);
  assert.deepEqual(decodeServerInfo(enc), good);
  const bad = (f: (b: Buffer) => void) => { const b = Buffer.from(enc); f(b); return decodeServerInfo(b); };
  assert.equal(bad((b) => { b[0] = 2; }), null, 'info_ver');
  assert.equal(bad((b) => { b[99] = 0; }), null, 'n = 0');
  assert.equal(bad((b) => { b[99] = 17; }), null, 'n = 17');
  assert.equal(bad((b) => { b[100] = 5; }), null, 'family');
  assert.equal(bad((b) => { b.writeUInt16BE(5, 105); }), null, 'ext_len too long');
  assert.equal(bad((b) => { b.writeUInt16BE(3, 105); }), null, 'ext_len too short');
  assert.equal(bad((b) => { b.writeUInt16BE(9, 108); }), null, 'TLV overruns');
  assert.equal(decodeServerInfo(Buffer.concat([enc, Buffer.alloc(1)])), null, 'trailing');
  assert.equal(decodeClientInfo(Buffer.alloc(96)), null);
  assert.equal(decodeClientInfo(Buffer.concat([Buffer.from([1]), Buffer.alloc(96), Buffer.from([6, 1, 2])])), null);
});
