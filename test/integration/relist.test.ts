import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery, type DiscoveryOptions } from '../../src/discovery/discovery.js';
import { KeyRing } from '../../src/discovery/v2/key-ring.js';
import { epochAt, passwordBytes } from '../../src/discovery/v2/keys.js';
import { newIdentity } from '../../src/discovery/v2/session.js';
import type { Peer } from '../../src/peer.js';
import { createLogger } from '../../src/log.js';
import { FAST_TIMING } from '../helpers/wait.js';

const PASS = Buffer.from('relist integration passphrase');
/** A's every own lookup and retry is this far away: only the relist path can list B in time. */
const NEVER = 10 * 60_000;
const WITHIN_MS = 20_000;

/** The next `peer` or `lost` event of `d` about `host` (and `match`). */
function next(d: Discovery, ev: 'peer' | 'lost', host: string, match: (p: Peer) => boolean = () => true): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const on = (p: Peer) => {
      if (p.host !== host || !match(p)) return;
      clearTimeout(timer);
      d.off(ev, on);
      resolve(p);
    };
    const timer = setTimeout(() => { d.off(ev, on); reject(new Error(`no ${ev} event for ${host} within ${WITHIN_MS} ms`)); }, WITHIN_MS);
    d.on(ev, on);
  });
}

for (const protocol of ['v1', 'v2'] as const) {
  test(`${protocol}: a restarted sibling is listed again at once, on its old port (dial-back), on a new one (relist lookup), and before its old port was found gone`, async (t) => {
    const swarm = await startTestnet({ nodes: 12 });
    t.after(() => swarm.close());
    const ring = new KeyRing();
    t.after(() => ring.close());
    if (protocol === 'v2') {
      ring.add('z', passwordBytes(PASS)!);
      ring.start();
      // Every epoch's keys first: a channel opened later would start a walk of its own.
      await ring.whenReady('z', epochAt(Date.now()));
      await ring.settled();
    }
    const [aHost, bHost] = protocol === 'v1' ? ['127.0.0.81', '127.0.0.82'] : ['127.0.0.83', '127.0.0.84'];
    const zone = (host: string): Pick<DiscoveryOptions, 'host' | 'protocol' | 'v2' | 'passphrase'> =>
      ({ host, protocol, passphrase: PASS, v2: protocol === 'v2' ? { keys: ring, zone: 'z', identity: newIdentity() } : undefined });

    const aDht = new DhtNode({ host: aHost, port: 0, bootstrap: swarm.bootstrap });
    await aDht.start();
    t.after(() => aDht.close());
    // Announces stored with A's own DHT node would hand it B at once: drop them, so that A meets
    // B only through its own lookups (all NEVER away) or the relist path under test.
    (aDht as unknown as { dht: { removeAllListeners(e: string): void } }).dht.removeAllListeners('announce');
    const a = new Discovery({
      ...zone(aHost), dht: aDht, appPort: 7081, authPort: 0, minPeers: 1, log: process.env.RELIST_DEBUG ? createLogger({ level: 'trace' }) : undefined,
      timing: {
        ...FAST_TIMING, lookupFastMinMs: NEVER, lookupFastMaxMs: NEVER, lookupSlowMs: NEVER, reannounceMs: NEVER,
        backoffBaseMs: NEVER, backoffMaxMs: NEVER, reverifyMs: 300, reverifyRetryMs: 100,
      },
    });
    t.after(() => a.close());
    await a.start();
    // One walk per DHT schedule (v2: one per epoch in use), run by start(); every later one is a relist.
    const ownLookups = a.stats.lookups;

    const bDht = new DhtNode({ host: bHost, port: 0, bootstrap: swarm.bootstrap });
    await bDht.start();
    t.after(() => bDht.close());
    const startB = async (authPort: number) => {
      const b = new Discovery({ ...zone(bHost), dht: bDht, appPort: 7082, authPort, minPeers: 1, timing: FAST_TIMING });
      t.after(() => b.close());
      await b.start();
      return b;
    };

    // First meeting: A's only lookup ran before B existed; B dials A, and A looks B up.
    const met = next(a, 'peer', bHost);
    const b1 = await startB(0);
    const first = await met;
    assert.equal(first.authPort, b1.authPort);
    assert.equal(first.port, 7082);

    // Restart on the same port: A lost it, and its retry is NEVER away; B's dial makes A dial back.
    const lost1 = next(a, 'lost', bHost);
    await b1.close();
    await lost1;
    const dialBacks = a.stats.dialBacks;
    const back = next(a, 'peer', bHost);
    const b2 = await startB(first.authPort);
    const again = await back;
    assert.equal(again.authPort, first.authPort);
    assert.ok(a.stats.dialBacks > dialBacks, `dial-backs ${JSON.stringify(a.stats)}`);

    // Restart on a new port: only the DHT knows it, and A's lookups are NEVER away but for relists.
    const lost2 = next(a, 'lost', bHost);
    await b2.close();
    await lost2;
    const moved = next(a, 'peer', bHost);
    const b3 = await startB(0);
    assert.notEqual(b3.authPort, first.authPort);
    const relisted = await moved;
    assert.equal(relisted.authPort, b3.authPort);
    assert.deepEqual(a.peers().map((p) => p.authPort), [b3.authPort]);

    // A quick restart on a new port, before A noticed the old one gone: B's dial makes A recheck
    // the old port (lost at once), and the loss right after B's dial relists.
    const b4: { d?: Discovery } = {};
    const quick = next(a, 'peer', bHost, (p) => p.authPort === b4.d?.authPort);
    await b3.close();
    b4.d = await startB(0);
    await quick;
    assert.deepEqual(a.peers().map((p) => p.authPort), [b4.d.authPort]);
    // A's own lookups: those of start(), then relists only (a relist walk's follow-up queries found
    // B's new port, or a walk it started for a later dial of B).
    assert.ok(a.stats.relists >= 1, JSON.stringify(a.stats));
    assert.equal(a.stats.lookups, ownLookups + a.stats.relists, JSON.stringify(a.stats));
  });
}
