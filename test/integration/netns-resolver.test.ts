import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runCli, runNode } from '../helpers/cli.js';
import { createNetns, isRoot } from '../helpers/netns.js';
import { startServe, type ServeNode } from '../helpers/serve.js';
import { waitFor } from '../helpers/wait.js';

const UPSTREAM = fileURLToPath(new URL('../helpers/dns-upstream.js', import.meta.url));

test('unmodified clients in a network namespace resolve through wherez on port 53', { skip: !isRoot && 'needs root for ip netns' }, async (t) => {
  const netns = await createNetns('t');
  t.after(() => netns.close());
  const ns = netns.name;
  const inNs = (_ns: string, cmd: string, args: string[]): Promise<string> => netns.exec(cmd, args);

  // Inside the namespace: a DHT swarm, a stand-in upstream, a peer daemon, and wherez on :53.
  const testnet = runCli(['testnet', '--nodes', '10'], {}, ns);
  t.after(() => testnet.stop());
  const [, bootstrap] = await testnet.line(/^bootstrap: (\S+)$/, 10_000);
  const upstream = runNode([UPSTREAM, '127.0.0.9', '53'], {}, ns);
  t.after(() => upstream.stop());
  await upstream.line(/^upstream: 53$/, 10_000);
  const nodes: ServeNode[] = [];
  t.after(async () => { for (const n of nodes) await n.stop(); });
  nodes.push(await startServe({ host: '127.0.0.2', bootstrap: bootstrap!, passphrase: 'netns-secret', announce: 636, netns: ns }));
  nodes.push(await startServe({
    host: '127.0.0.1', dnsPort: 53, bootstrap: bootstrap!, passphrase: 'netns-secret', netns: ns,
    forward: true, upstreams: ['127.0.0.9:53'],
  }));

  // getaddrinfo (glibc, via /etc/netns/NS/resolv.conf) on the peer's host name.
  await waitFor(async () => (await inNs(ns, 'getent', ['ahosts', 'h-127-0-0-2._wherez.local']).catch(() => '')).includes('127.0.0.2'),
    15_000, 'getent to resolve the peer host name');
  // Node's dns.lookup (getaddrinfo) and dns.resolveSrv (c-ares reading resolv.conf), unmodified.
  const script = `const dns=require('node:dns');Promise.all([dns.promises.lookup('_ldap._wherez.local'),dns.promises.resolveSrv('_ldap._wherez.local')])` +
    `.then(([a,s])=>console.log(JSON.stringify({a,s})),e=>{console.error(e.code);process.exit(1)})`;
  const out = JSON.parse(await inNs(ns, process.execPath, ['-e', script])) as { a: { address: string }; s: Array<{ name: string; port: number }> };
  assert.equal(out.a.address, '127.0.0.2');
  assert.deepEqual(out.s.map((s) => `${s.name}:${s.port}`), ['h-127-0-0-2._wherez.local:636']);
  // A name outside the zone is forwarded to the stand-in upstream (its one A record: 192.0.2.1).
  assert.match(await inNs(ns, 'getent', ['ahosts', 'forwarded.example']), /^192\.0\.2\.1\s/m);
});
