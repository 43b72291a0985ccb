import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '../../../src/admin/metrics.js';
import type { DaemonStatus } from '../../../src/daemon.js';
import { DiscoveryStats } from '../../../src/discovery/stats.js';

test('the auth listener\'s network limits reach /metrics: rate-limited, banned, bans; all in the rejected total', async () => {
  const status: DaemonStatus = {
    dns: undefined,
    dht: { port: 1, nodes: 0, garbageContacts: 0, outOfScopeContacts: 0, queriesSent: 0, queriesHeldBack: 0 },
    zones: [{
      label: 'ldap', name: '_ldap._wherez.local', announce: 389, authPort: 4000, stale: false, down: false, peers: [],
      discovery: new DiscoveryStats().toJSON(), protocol: 'v2',
      auth: { accepted: 40, answered: 0, junk: 1, timeouts: 2, self: 0, overCap: 3, preempted: 4, acceptErrors: 0, rateLimited: 5, banned: 6, bans: 7 },
    }],
  };
  const text = await createMetrics(() => status).metrics();
  assert.match(text, /^wherez_auth_network_limited_total\{zone="ldap",reason="rate"\} 5$/m);
  assert.match(text, /^wherez_auth_network_limited_total\{zone="ldap",reason="banned"\} 6$/m);
  assert.match(text, /^wherez_auth_network_bans_total\{zone="ldap"\} 7$/m);
  assert.match(text, /^wherez_auth_rejected_total\{zone="ldap"\} 21$/m);
});
