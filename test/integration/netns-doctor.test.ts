import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BIN, runCli, runNode } from '../helpers/cli.js';
import { createNetns, isRoot } from '../helpers/netns.js';
import { startServe, type ServeNode } from '../helpers/serve.js';
import { waitFor } from '../helpers/wait.js';

const UPSTREAM = fileURLToPath(new URL('../helpers/dns-upstream.js', import.meta.url));

test('wherez doctor in a network namespace: passes when resolv.conf points at wherez, fails with the fix when it does not or an auth port is unreachable', { skip: !isRoot && 'needs root for ip netns' }, async (t) => {
  const netns = await createNetns('doc');
  t.after(() => netns.close());
  const ns = netns.name;

  // Inside the namespace: a DHT swarm, another resolver (the stand-in upstream), a peer, and wherez on :53.
  const testnet = runCli(['testnet', '--nodes', '10'], {}, ns);
  t.after(() => testnet.stop());
  const [, bootstrap] = await testnet.line(/^bootstrap: (\S+)$/, 10_000);
  const upstream = runNode([UPSTREAM, '127.0.0.9', '53'], {}, ns);
  t.after(() => upstream.stop());
  await upstream.line(/^upstream: 53$/, 10_000);
  const nodes: ServeNode[] = [];
  t.after(async () => { for (const n of nodes) await n.stop(); });
  nodes.push(await startServe({ host: '127.0.0.2', bootstrap: bootstrap!, passphrase: 'doctor-secret', announce: 636, netns: ns }));
  const wherez = await startServe({
    host: '127.0.0.1', dnsPort: 53, bootstrap: bootstrap!, passphrase: 'doctor-secret', announce: 389, netns: ns, metrics: true,
  });
  nodes.push(wherez);
  const url = `http://127.0.0.1:${wherez.metricsPort!}`;
  const config = `${wherez.dir}/zones.yaml`;
  // The DHT node has found others (the doctor's DHT check), as `wherez status` shows.
  await waitFor(async () => /^dht: port \d+, [1-9]\d* nodes$/m.test(await netns.exec(process.execPath, [BIN, 'status', '--url', url]).catch(() => '')),
    20_000, 'the daemon\'s DHT node to know other nodes');

  const doctor = async (): Promise<{ code: number | null; out: string }> => {
    const run = runCli(['doctor', '--config', config, '--url', url], {}, ns);
    const code = await run.exited();
    return { code, out: `${run.lines.join('\n')}\n${run.stderr()}` };
  };

  await t.test('resolv.conf points at wherez: every check passes', async () => {
    const { code, out } = await doctor();
    assert.equal(code, 0, out);
    assert.match(out, /^ok {4}getaddrinfo: ns\._wherez\.local -> 127\.0\.0\.1 \(from wherez\)$/m, out);
    assert.match(out, /^ok {4}res_query \(resolv\.conf servers\): _ldap\._wherez\.local TXT -> peers=\d+ stale=0 \(from wherez\)$/m, out);
    assert.match(out, /^ok {4}zone ldap: auth port 127\.0\.0\.1:\d+ reachable \(tcp\)$/m, out);
    assert.match(out, /^ok {4}dns listener 127\.0\.0\.1:53 answers _ldap\._wherez\.local TXT: peers=\d+ stale=0$/m, out);
    assert.match(out, /^all \d+ checks passed$/m, out);
    assert.doesNotMatch(out, /FAIL/);
  });

  await t.test('resolv.conf points at another server: the resolver checks fail, each with the setup command', async () => {
    await writeFile(`/etc/netns/${ns}/resolv.conf`, 'nameserver 127.0.0.9\noptions timeout:2 attempts:1\n');
    try {
      const { code, out } = await doctor();
      assert.equal(code, 1, out);
      assert.match(out, /^FAIL {2}getaddrinfo: ns\._wherez\.local -> 192\.0\.2\.1, but wherez answers 127\.0\.0\.1: another server answered$/m, out);
      assert.match(out, /^FAIL {2}res_query \(resolv\.conf servers\): _ldap\._wherez\.local TXT: /m, out);
      const fixes = out.split('\n').filter((l) => l.trim().startsWith('fix:'));
      assert.equal(fixes.length, 2, out);
      for (const f of fixes) assert.ok(f.includes(`wherez setup resolved --config ${config} --apply`), f);
      // wherez itself is fine: its own checks pass.
      assert.match(out, /^ok {4}dns listener 127\.0\.0\.1:53 /m, out);
      assert.match(out, /^ok {4}zone ldap: auth port /m, out);
      assert.match(out, /^2 of \d+ checks failed$/m, out);
    } finally {
      await writeFile(`/etc/netns/${ns}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n');
    }
  });

  await t.test('a zone\'s auth port is unreachable (a routing rule refuses it): that check fails with the firewall fix', async () => {
    const status = JSON.parse(await netns.exec(process.execPath, [BIN, 'status', '--url', url, '--json'])) as { zones: Array<{ authPort: number }> };
    const port = status.zones[0]!.authPort;
    // As a firewall would: TCP to that port is unreachable; the local table moves behind the rule.
    await netns.exec('ip', ['rule', 'add', 'pref', '10', 'to', '127.0.0.1', 'ipproto', 'tcp', 'dport', String(port), 'unreachable']);
    await netns.exec('ip', ['rule', 'del', 'pref', '0']);
    await netns.exec('ip', ['rule', 'add', 'pref', '100', 'lookup', 'local']);
    const { code, out } = await doctor();
    assert.equal(code, 1, out);
    assert.match(out, new RegExp(`^FAIL {2}zone ldap: auth port 127\\.0\\.0\\.1:${port}: ENETUNREACH$`, 'm'), out);
    assert.match(out, new RegExp(`^ {6}fix: open TCP port ${port} \\(zone ldap's auth_port\\) in the firewall`, 'm'), out);
    assert.match(out, /^1 of \d+ checks failed$/m, out);
  });

  await t.test('the daemon stopped: the status line says to start it, and no later check sends the operator to the resolver setup', async () => {
    await wherez.proc.stop();
    const { code, out } = await doctor();
    assert.equal(code, 1, out);
    const lines = out.split('\n');
    assert.match(lines[0]!, /^FAIL {2}status endpoint http:\/\/127\.0\.0\.1:\d+\/status: /, out);
    assert.match(lines[1]!, /^ {6}fix: start the daemon \(wherez serve --config /, out);
    assert.doesNotMatch(out, /point the system resolver at wherez/, 'the resolver setup is not the cause');
    assert.equal(out.split('\n').filter((l) => l.includes('fix: wherez does not answer on its own listener (above)')).length, 2, out);
    // auth_port: 0 here, so without /status the port is unknown (a fixed port that refuses: test/unit/setup/doctor-checks.test.ts).
    assert.match(out, /^FAIL {2}zone ldap: auth port unknown \(auth_port: 0 and no status\)$/m, out);
  });
});
