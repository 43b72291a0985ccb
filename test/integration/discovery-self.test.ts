import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { createMetrics } from '../../src/admin/metrics.js';
import type { DaemonStatus } from '../../src/daemon.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

test('our own announcement, found in the DHT, is counted apart and never as a failure', async (t) => {
  const net = await startTestnet({ nodes: 8 });
  t.after(() => net.close());
  const dht = new DhtNode({ host: '127.0.0.1', port: 0, bootstrap: net.bootstrap });
  await dht.start();
  t.after(() => dht.close());
  const disc = new Discovery({ passphrase: Buffer.from('alone in this swarm'), appPort: 389, authPort: 0, dht, host: '127.0.0.1', timing: FAST_TIMING });
  t.after(() => disc.close());
  await disc.start();

  await waitFor(() => disc.stats.selfContacts > 0, 15_000, 'the node to meet its own announcement');
  assert.deepEqual(disc.stats.failures, {}, 'no failure of any kind: the only contact was ourselves');
  assert.equal(disc.peers().length, 0);

  const status = { dns: undefined, dht: { port: dht.port, nodes: 0, garbageContacts: 0, outOfScopeContacts: 0, queriesSent: dht.queryBudget.sent, queriesHeldBack: 0 }, zones: [{
    label: 'ldap', name: '_ldap._wherez.local', announce: 389, authPort: disc.authPort, stale: false, down: false, peers: [],
    discovery: disc.stats.toJSON(), auth: undefined, protocol: 'v1',
  }] } satisfies DaemonStatus;
  const metrics = await createMetrics(() => status).metrics();
  assert.ok(dht.queryBudget.sent > 0, 'the walks counted as sent queries');
  assert.match(metrics, /^wherez_dht_queries_sent_total [1-9]\d*$/m);
  assert.match(metrics, /^wherez_discovery_self_contacts_total\{zone="ldap"\} [1-9]\d*$/m);
  assert.doesNotMatch(metrics, /wherez_discovery_failures_total\{[^}]*\} /, 'no failure series at all');
});
