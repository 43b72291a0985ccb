import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { loadConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { WAKE_MIN_INTERVAL_MS } from '../../src/discovery/dht-schedule.js';
import { query, udpExchange } from '../helpers/dns-client.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A zone nobody else joined: fast lookups at first, then about lookupSlowMs apart. (Before the
// patience limit it looked every lookupFastMaxMs forever: 15 lookups in this window.)
test('an empty zone backs off from fast lookups to the slow pace after lookupPatienceMs', async (t) => {
  const net = await startTestnet({ nodes: 5, host: '127.0.0.1' });
  t.after(() => net.close());
  const dht = new DhtNode({ host: '127.0.0.31', port: 0, bootstrap: net.bootstrap });
  await dht.start();
  t.after(() => dht.close());
  const timing = { ...FAST_TIMING, lookupFastMinMs: 50, lookupFastMaxMs: 100, lookupSlowMs: 5_000, lookupPatienceMs: 600, jitter: 0 };
  const d = new Discovery({ passphrase: Buffer.from('nobody else'), appPort: 389, authPort: 0, dht, host: '127.0.0.31', timing });
  t.after(() => d.close());
  await d.start();
  await waitFor(() => d.stats.lookups >= 5, 5_000, 'fast lookups while the zone is new');
  // Past the patience the delay doubles from 100 ms toward lookupSlowMs: 0.2, 0.4, 0.8, 1.6 s...
  await sleep(2_500);
  const before = d.stats.lookups;
  await sleep(1_500);
  assert.ok(d.stats.lookups - before <= 2, `${d.stats.lookups - before} lookups in 1.5 s once backed off`);
});

// Once warm a zone walks once per lookupSlowMs, re-announces included: a re-announce rides on the
// next walk. (Before, each re-announce was a walk of its own: 1.1 lookups a minute with the
// defaults; here, with re-announces due every 300 ms, about one lookup per 400 ms.)
test('a re-announce rides on the next slow walk: no lookup of its own', async (t) => {
  const net = await startTestnet({ nodes: 5, host: '127.0.0.1' });
  t.after(() => net.close());
  const dht = new DhtNode({ host: '127.0.0.38', port: 0, bootstrap: net.bootstrap });
  await dht.start();
  t.after(() => dht.close());
  // minPeers 0: the zone has enough peers from the start, so it walks at the slow pace only.
  const timing = { ...FAST_TIMING, lookupSlowMs: 1_500, reannounceMs: 300, jitter: 0 };
  const d = new Discovery({ passphrase: Buffer.from('re-announce pace'), appPort: 389, authPort: 0, dht, host: '127.0.0.38', minPeers: 0, timing });
  t.after(() => d.close());
  await d.start();
  await waitFor(() => d.stats.announces >= 1, 5_000, 'the first announce');
  const before = { lookups: d.stats.lookups, announces: d.stats.announces };
  await sleep(3_200);
  const lookups = d.stats.lookups - before.lookups;
  assert.ok(lookups <= 3, `${lookups} lookups in 3.2 s at a 1.5 s pace`);
  assert.ok(d.stats.announces - before.announces >= 1, 'the walks went on announcing');
});

// The daemon hands DNS a lookup that wakes an empty zone: a query makes it look at once, and a
// burst of queries makes it look once (wakes are rate-limited), not once per query.
for (const [protocol, bind] of [['v1', '127.0.0.32'], ['v2', '127.0.0.39']] as const) {
test(`a DNS query for an empty ${protocol} zone wakes its lookups at once, at most once per interval`, async (t) => {
  const net = await startTestnet({ nodes: 5, host: '127.0.0.1' });
  t.after(() => net.close());
  const dir = await mkdtemp(join(tmpdir(), 'wherez-wake-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'zones.yaml');
  await writeFile(file, [
    'listen: ["127.0.0.1:0"]', 'forward: false', 'state_dir: ./state',
    `dht: { bind: ${bind}, port: 0, bootstrap: ["${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}"] }`,
    'zones:', `  ldap: { passphrase_env: KEY, announce: 389, auth_port: 0, protocol: ${protocol} }`,
  ].join('\n'));
  const { config } = await loadConfig(file, { env: { KEY: 'a zone nobody else joined' } });
  // Slow pace from the start (no patience), so only a wake can explain a prompt lookup.
  const daemon = new Daemon(config, { timing: { ...FAST_TIMING, lookupFastMinMs: 60_000, lookupFastMaxMs: 60_000, lookupSlowMs: 60_000, lookupPatienceMs: 0 } });
  t.after(() => daemon.close());
  await daemon.start();
  const zone = () => daemon.status().zones.find((z) => z.label === 'ldap')!;
  // v2 looks up under the current and the previous day's infohash once their keys are derived
  // (scrypt): count from after the first lookup, and let the wake counter say who looked.
  await waitFor(() => zone().discovery.lookups >= 1, 15_000, 'the first lookup');
  await sleep(WAKE_MIN_INTERVAL_MS); // a wake right after a lookup is not needed
  const before = zone().discovery.lookups;
  const port = daemon.dnsEndpoints[0]!.port;
  const replies = await Promise.all([0, 1, 2, 3].map(() => udpExchange(port, query('_ldap._wherez.local', 'SRV'))));
  assert.ok(replies.every((r) => r !== null), 'every query answered');
  await waitFor(() => zone().discovery.lookups > before, 2_000, 'a lookup woken by the DNS query');
  assert.equal(zone().discovery.wakes, 1, 'four queries, one wake');
});
}

// Our own per-destination budget can hold back every query of a walk (a daemon with many zones
// starting at once); that must not read as "no DHT node answers" and mark the zones down.
test('walks held back by our own query budget do not mark discovery down', async (t) => {
  const net = await startTestnet({ nodes: 1, host: '127.0.0.1' });
  t.after(() => net.close());
  const dht = new DhtNode({ host: '127.0.0.33', port: 0, bootstrap: net.bootstrap });
  await dht.start();
  t.after(() => dht.close());
  const only = `${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}`;
  const drain = () => { while (dht.queryBudget.take(only)); };
  drain();
  const draining = setInterval(drain, 10);
  t.after(() => clearInterval(draining));
  const d = new Discovery({ passphrase: Buffer.from('budget'), appPort: 389, authPort: 0, dht, host: '127.0.0.33', timing: { ...FAST_TIMING, lookupFastMaxMs: 100 } });
  t.after(() => d.close());
  let wentDown = false;
  d.on('health', (up) => { if (!up) wentDown = true; });
  await d.start();
  await waitFor(() => d.stats.lookups >= 4, 5_000, 'several capped walks');
  assert.ok(dht.queryBudget.refused > 0, 'the walks were held back');
  assert.equal(wentDown, false);
  assert.equal(d.down, false);
});
