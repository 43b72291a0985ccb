import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { AuthPorts } from '../../src/discovery/auth-ports.js';
import type { Protocol } from '../../src/discovery/auth-port-zones.js';
import { probeV1 } from '../../src/discovery/prober.js';
import { SelfDetector } from '../../src/discovery/self-detector.js';
import { KeyRing } from '../../src/discovery/v2/key-ring.js';
import { epochAt, passwordBytes } from '../../src/discovery/v2/keys.js';
import { probeV2 } from '../../src/discovery/v2/prober-v2.js';
import { newIdentity, type Identity } from '../../src/discovery/v2/session.js';
import { isWherezError } from '../../src/errors.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

/*
 * Design 4.7 on real sockets: one host (127.0.0.31) serves three v2 zones on one auth port; a
 * member of each zone on its own address finds it under its zone's infohash and verifies only
 * its zone there. Then a v1 zone joins the same port (byte-0 dispatch), a second v1 zone is
 * refused, and a zone leaving keeps the port up for the others.
 */
const ZONES = { a: 'shared port zone a', b: 'shared port zone b', c: 'shared port zone c' } as const;
type Z = keyof typeof ZONES;
const APP: Record<Z, number> = { a: 1001, b: 1002, c: 1003 };
const HOST = '127.0.0.31';
const MEMBER: Record<Z, string> = { a: '127.0.0.32', b: '127.0.0.33', c: '127.0.0.34' };
const timeouts = { connectTimeoutMs: 2000, readTimeoutMs: 3000 };

test('three v2 zones on one auth port: each member verifies only its zone; v1 joins the port once; a leaving zone keeps it up', async (t) => {
  const swarm = await startTestnet({ nodes: 12 });
  t.after(() => swarm.close());
  const ring = new KeyRing();
  for (const [z, pass] of Object.entries(ZONES)) ring.add(z, passwordBytes(pass)!);
  ring.start();
  t.after(() => ring.close());
  const E = epochAt(Date.now());
  for (const z of Object.keys(ZONES)) await ring.whenReady(z, E);

  const dhts: DhtNode[] = [];
  const discs: Discovery[] = [];
  t.after(async () => { for (const d of discs) await d.close(); for (const d of dhts) await d.close(); });
  const dhtOn = async (host: string) => {
    const dht = new DhtNode({ host, port: 0, bootstrap: swarm.bootstrap });
    await dht.start();
    dhts.push(dht);
    return dht;
  };
  const zone = async (o: { dht: DhtNode; host: string; z: string; pass: string; appPort: number; protocol?: Protocol; authPort?: number; ports?: AuthPorts; identity?: Identity }) => {
    const d = new Discovery({
      passphrase: Buffer.from(o.pass), appPort: o.appPort, authPort: o.authPort ?? 0, authPorts: o.ports, dht: o.dht, host: o.host,
      minPeers: 1, timing: { ...FAST_TIMING, readTimeoutMs: 3000 }, protocol: o.protocol ?? 'v2', label: o.z,
      v2: { keys: ring, zone: o.z, identity: o.identity ?? newIdentity() },
    });
    discs.push(d);
    await d.start();
    return d;
  };

  // The host: one DHT node, one registry, three v2 zones asking for port 0 share one listener.
  const ports = new AuthPorts();
  const hostDht = await dhtOn(HOST);
  const ids: Record<Z, Identity> = { a: newIdentity(), b: newIdentity(), c: newIdentity() };
  const host = {} as Record<Z, Discovery>;
  for (const z of Object.keys(ZONES) as Z[]) host[z] = await zone({ dht: hostDht, host: HOST, z, pass: ZONES[z], appPort: APP[z], ports, identity: ids[z] });
  const port = host.a.authPort;
  assert.ok(port > 0);
  assert.deepEqual([host.b.authPort, host.c.authPort], [port, port], 'one auth port for the three zones');
  assert.equal(ports.size, 1, 'one listener');

  // A member per zone, on its own address.
  const member = {} as Record<Z, Discovery>;
  for (const z of Object.keys(ZONES) as Z[]) member[z] = await zone({ dht: await dhtOn(MEMBER[z]), host: MEMBER[z], z, pass: ZONES[z], appPort: 2000 + APP[z] });

  for (const z of Object.keys(ZONES) as Z[]) {
    await waitFor(() => member[z].peers().some((p) => p.host === HOST), 60_000, `member of ${z} lists the host`);
    await waitFor(() => host[z].peers().some((p) => p.host === MEMBER[z]), 60_000, `the host's zone ${z} lists its member`);
    const seen = member[z].peers().find((p) => p.host === HOST);
    assert.deepEqual([seen?.authPort, seen?.port], [port, APP[z]], `the shared port, announced under ${z}'s infohash, proves ${z}'s app port`);
  }
  for (const z of Object.keys(ZONES) as Z[]) {
    assert.deepEqual(host[z].peers().map((p) => p.host), [MEMBER[z]], `zone ${z} lists its own member only`);
    // The dialer is done when it sends msg3; the listener counts it once msg3 arrives.
    await waitFor(() => (host[z].v2Zone?.listenerStats.v2Completed ?? 0) > 0, 10_000, `zone ${z} completes handshakes on the shared port`);
  }

  // Dialled directly with each zone's keys, the port answers as that zone (its app port, its identity).
  for (const z of Object.keys(ZONES) as Z[]) {
    const k = ring.get(z, E)!;
    const dialer = newIdentity();
    const r = await probeV2({ host: HOST, port, prs: ring.prs(z)!, epoch: E, hintKey: k.hintKey, identity: dialer, ownIds: [dialer.publicKey], ...timeouts });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.port, APP[z]);
    assert.deepEqual(r.listener.listenerId, ids[z].publicKey);
  }

  // A member of zone a is not listed in zone b: offered to b (as a warm restart would), b dials it with b's hint and gets silence.
  // Only the event about that member: b may also meet its own announce (a self contact) meanwhile,
  // e.g. in a walk started because the dialers above connected from an address b does not list.
  const unverified = new Promise<{ host: string }>((res) => {
    const on = (c: { host: string }) => { if (c.host === MEMBER.a) { host.b.off('unverified', on); res(c); } };
    host.b.on('unverified', on);
  });
  host.b.seed([{ host: MEMBER.a, authPort: member.a.authPort }]);
  assert.equal((await unverified).host, MEMBER.a);
  assert.ok(!host.b.peers().some((p) => p.host === MEMBER.a), 'a member of a never listed in b');

  // A v1 zone joins the shared port: v1 challenges go to it, v2 still to the zone of the hint.
  const v1 = await zone({ dht: hostDht, host: HOST, z: 'old', pass: 'the v1 zone', appPort: 1004, protocol: 'v1', authPort: port, ports });
  assert.equal(v1.authPort, port);
  assert.equal(ports.size, 1, 'still one listener');
  const self = new SelfDetector();
  assert.deepEqual(await probeV1({ host: HOST, port, passphrase: Buffer.from('the v1 zone'), self, ...timeouts }), { ok: true, port: 1004 });
  assert.equal((await probeV1({ host: HOST, port, passphrase: Buffer.from(ZONES.a), self, ...timeouts })).ok, false, 'v1 answers for the v1 zone only');
  // A second v1-speaking zone on the port is refused (v1 has no hint).
  await assert.rejects(zone({ dht: hostDht, host: HOST, z: 'old2', pass: 'another v1 zone', appPort: 1005, protocol: 'both', authPort: port, ports }),
    (err) => isWherezError(err, 'WHEREZ_ARGUMENT') && /at most one v1 or both zone per auth port/.test((err as Error).message));

  // Zone a leaves (a reload removing it): the port stays up for b and the v1 zone; a's hint gets silence.
  await host.a.close();
  const ka = ring.get('a', E)!;
  const dialer = newIdentity();
  const gone = await probeV2({ host: HOST, port, prs: ring.prs('a')!, epoch: E, hintKey: ka.hintKey, identity: dialer, ownIds: [dialer.publicKey], ...timeouts });
  assert.deepEqual(gone, { ok: false, reason: 'no-response' });
  const kb = ring.get('b', E)!;
  const still = await probeV2({ host: HOST, port, prs: ring.prs('b')!, epoch: E, hintKey: kb.hintKey, identity: dialer, ownIds: [dialer.publicKey], ...timeouts });
  assert.equal(still.ok && still.port, APP.b);
  assert.deepEqual(await probeV1({ host: HOST, port, passphrase: Buffer.from('the v1 zone'), self, ...timeouts }), { ok: true, port: 1004 });

  // The last zones leave: the listener closes.
  await host.b.close();
  await host.c.close();
  await v1.close();
  assert.equal(ports.size, 0);
  const closed = await probeV1({ host: HOST, port, passphrase: Buffer.from('the v1 zone'), self, ...timeouts });
  assert.deepEqual(closed, { ok: false, reason: 'refused' });
});
