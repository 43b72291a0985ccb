import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import DHT from 'bittorrent-dht';
import { startTestnet } from '../../src/discovery/testnet.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import { startServe, type ServeNode } from '../helpers/serve.js';
import { runCli } from '../helpers/cli.js';
import { dig, digShort } from '../helpers/dig.js';
import { startFixedResponder } from '../helpers/tcp.js';
import { waitFor } from '../helpers/wait.js';

const PASS = 'serve-integration-secret';
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
const srvOf = (n: ServeNode) => digShort(n.host, n.port, '_ldap._wherez.local', 'SRV');
const target = (ip: string) => `h-${ip.replaceAll('.', '-')}._wherez.local.`;

test('three wherez serve daemons answer dig and c-ares with each other; a killed one leaves; an impostor never appears', async (t) => {
  const net = await startTestnet({ nodes: 20 });
  t.after(() => net.close());
  const bootstrap = `${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}`;

  // Impostor: announces the right infohash from 127.0.0.6 and answers with a wrong MAC.
  const liar = await startFixedResponder(Buffer.alloc(34, 9), '127.0.0.6');
  const impostor = new DHT({ bootstrap: net.bootstrap, host: false });
  impostor.on('error', () => undefined);
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.6', () => r()));
  await new Promise<void>((r) => impostor.announce(infohashV1(PASS), liar.port, () => r()));
  t.after(async () => { await new Promise<void>((r) => impostor.destroy(() => r())); await liar.close(); });

  const nodes: ServeNode[] = [];
  t.after(async () => { for (const n of nodes) await n.stop(); });
  for (const [i, host] of HOSTS.entries()) nodes.push(await startServe({ host, bootstrap, passphrase: PASS, announce: 3890 + i, ttl: 2, metrics: i === 0 }));

  const expectFor = (i: number, alive: number[]) =>
    alive.filter((j) => j !== i).map((j) => `0 0 ${3890 + j} ${target(HOSTS[j]!)}`).sort();
  await waitFor(async () => {
    const answers = await Promise.all(nodes.map(srvOf));
    return answers.every((a, i) => JSON.stringify(a) === JSON.stringify(expectFor(i, [0, 1, 2])));
  }, 30_000, 'every daemon to list the other two').catch(async (e) => {
    const logs = nodes.map((n) => `--- ${n.host} stderr:\n${n.proc.stderr().slice(-4000)}`).join('\n');
    throw new Error(`${(e as Error).message}: ${JSON.stringify(await Promise.all(nodes.map(srvOf)))}\n${logs}`);
  });

  // dig A lists the addresses; the SRV targets resolve through wherez too.
  assert.deepEqual(await digShort(HOSTS[0]!, nodes[0]!.port, '_ldap._wherez.local', 'A'), ['127.0.0.3', '127.0.0.4']);
  assert.deepEqual(await digShort(HOSTS[0]!, nodes[0]!.port, target('127.0.0.3'), 'A'), ['127.0.0.3']);
  const full = await dig(HOSTS[0]!, nodes[0]!.port, '_ldap._wherez.local', 'SRV');
  assert.match(full, /flags: qr aa/);

  // Node's c-ares resolver sees the same.
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`${HOSTS[1]}:${nodes[1]!.port}`]);
  const srv = await r.resolveSrv('_ldap._wherez.local');
  assert.deepEqual(srv.map((s) => `${s.name}:${s.port}`).sort(), [`${target('127.0.0.2').slice(0, -1)}:3890`, `${target('127.0.0.4').slice(0, -1)}:3892`]);
  assert.deepEqual((await r.resolve4('_ldap._wherez.local')).sort(), ['127.0.0.2', '127.0.0.4']);

  // wherez status and /metrics on the first daemon: its two peers, counters, no secret.
  const base = `http://${HOSTS[0]}:${nodes[0]!.metricsPort}`;
  const status = runCli(['status', '--url', base]);
  assert.equal(await status.exited(), 0, status.stderr());
  const text = status.lines.join('\n');
  assert.match(text, /^zone ldap \(_ldap\._wherez\.local\): 2 peers, announcing 3890, auth port \d+$/m);
  assert.match(text, /^ {2}127\.0\.0\.3:3891 {2}next check in \d+ s$/m);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^wherez_zone_peers\{zone="ldap"\} 2$/m);
  assert.match(metrics, /^wherez_dns_queries_total \d+$/m);
  assert.match(metrics, /^wherez_discovery_failures_total\{zone="ldap",reason="bad-mac"\} \d+$/m, 'the impostor shows as a bad MAC');
  for (const body of [text, metrics]) assert.ok(!body.includes(PASS), 'no passphrase in status or metrics');

  // The impostor was dialled and refused by every daemon, never listed.
  for (const n of nodes) assert.ok(!(await srvOf(n)).some((l) => l.includes('127-0-0-6')));

  // Kill one daemon: within the documented bound (ttl + retry + timeouts) it leaves the answers.
  const killedAt = Date.now();
  await nodes[2]!.stop();
  nodes.pop();
  await waitFor(async () => {
    const answers = await Promise.all(nodes.map(srvOf));
    return answers.every((a, i) => JSON.stringify(a) === JSON.stringify(expectFor(i, [0, 1])));
  }, 20_000, 'the killed daemon to leave the answers');
  // The README's bound: ttl (jittered up to +20%) + one 1 s retry (+20%) + two probes' deadlines.
  const took = Date.now() - killedAt;
  assert.ok(took < 2_000 * 1.2 + 1_000 * 1.2 + 2 * (3_000 + 3_000), `removed after ${took} ms`);
});
