import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestnet } from '../../src/discovery/testnet.js';
import { startServe, type ServeNode } from '../helpers/serve.js';
import { digShort } from '../helpers/dig.js';
import { waitFor } from '../helpers/wait.js';

/*
 * Real `wherez serve` daemons with v2 zones: they meet under the scrypt-derived infohash (the
 * derivation runs in the background, so DNS answers at once), answer dig with each other, and a
 * `both` daemon also lists a v1-only one, which the v2-only daemons never do.
 */
const PASS = 'serve v2 integration: tangerine-obelisk-quiver-lantern';
const srvOf = (n: ServeNode) => digShort(n.host, n.port, '_ldap._wherez.local', 'SRV');
const target = (ip: string) => `h-${ip.replaceAll('.', '-')}._wherez.local.`;

test('wherez serve with v2 zones: three daemons list each other; both bridges a v1 daemon; identity keys are 0600', async (t) => {
  const net = await startTestnet({ nodes: 16 });
  t.after(() => net.close());
  const bootstrap = `${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}`;
  const nodes: ServeNode[] = [];
  t.after(async () => { for (const n of nodes) await n.stop(); });
  const a = await startServe({ host: '127.0.0.2', bootstrap, passphrase: PASS, announce: 3902, protocol: 'v2' });
  nodes.push(a);
  // DNS serves before any key is derived: the zone exists, with no peers yet.
  assert.deepEqual(await srvOf(a), []);
  const b = await startServe({ host: '127.0.0.3', bootstrap, passphrase: PASS, announce: 3903, protocol: 'v2' });
  nodes.push(b);
  const both = await startServe({ host: '127.0.0.4', bootstrap, passphrase: PASS, announce: 3904, protocol: 'both' });
  nodes.push(both);
  const old = await startServe({ host: '127.0.0.5', bootstrap, passphrase: PASS, announce: 3905, protocol: 'v1' });
  nodes.push(old);

  const want = (ports: number[]) => ports.map((p) => `0 0 ${p} ${target(`127.0.0.${p - 3900}`)}`).sort();
  await waitFor(async () => {
    const [sa, sb, sboth, sold] = await Promise.all(nodes.map(srvOf));
    return JSON.stringify(sa) === JSON.stringify(want([3903, 3904])) && JSON.stringify(sb) === JSON.stringify(want([3902, 3904]))
      && JSON.stringify(sboth) === JSON.stringify(want([3902, 3903, 3905])) && JSON.stringify(sold) === JSON.stringify(want([3904]));
  }, 90_000, 'v2 daemons to list each other and both to bridge v1').catch(async (e) => {
    const logs = nodes.map((n) => `--- ${n.host} stderr:\n${n.proc.stderr().slice(-3000)}`).join('\n');
    throw new Error(`${(e as Error).message}: ${JSON.stringify(await Promise.all(nodes.map(srvOf)))}\n${logs}`);
  });
  const mode = (await stat(join(a.dir, 'state', 'v2-identity-ldap.json'))).mode & 0o777;
  assert.equal(mode, 0o600);
});
