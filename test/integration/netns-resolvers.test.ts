/**
 * dnsmasq and unbound in front of wherez, configured as docs/resolvers.md says, inside a network
 * namespace: a real `wherez serve` on 127.0.0.1:53 (two peers on a loopback DHT) for `_wherez.local`,
 * and the wherez DNS server over an in-memory 40-peer zone on 127.0.0.6:53 for
 * `_wherez.big.internal`. Through each resolver: SRV, NXDOMAIN with the SOA, and the 40-peer answer
 * that arrives truncated over UDP and whole over TCP. unbound runs with a root trust anchor it cannot
 * reach (no network), so only `domain-insecure` lets the stub zones answer, and with `stub-prime:
 * yes`, so the apex NS and its glue are what it queries.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, runNode, type Running } from '../helpers/cli.js';
import { createNetns, isRoot, type Netns, type Started } from '../helpers/netns.js';
import { startServe, type ServeNode } from '../helpers/serve.js';
import { waitFor } from '../helpers/wait.js';

const ZONE_SERVER = fileURLToPath(new URL('../helpers/zone-server.js', import.meta.url));
const DNSMASQ = '127.0.0.5';
const UNBOUND = '127.0.0.7';
/** The root zone's KSK-2017 DS: real validation, which cannot complete offline. */
const ROOT_DS = '. DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D';

const unboundConf = (dir: string) => `server:
  interface: ${UNBOUND}
  port: 53
  do-daemonize: no
  chroot: ""
  username: ""
  pidfile: ""
  use-syslog: no
  logfile: ""
  directory: "${dir}"
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  trust-anchor: "${ROOT_DS}"
  domain-insecure: "_wherez.local"
  domain-insecure: "_wherez.big.internal"
stub-zone:
  name: "_wherez.local"
  stub-addr: 127.0.0.1@53
  stub-prime: yes
stub-zone:
  name: "_wherez.big.internal"
  stub-addr: 127.0.0.6@53
`;

describe('dnsmasq and unbound in front of wherez pass SRV, NXDOMAIN and TC->TCP through', { skip: !isRoot && 'needs root for ip netns' }, () => {
  let netns: Netns;
  let dir: string;
  const procs: Running[] = [];
  const nodes: ServeNode[] = [];
  const resolvers: Started[] = [];
  const dig = (server: string, args: string[]) => netns.exec('dig', [`@${server}`, '+time=3', '+tries=1', ...args]);

  before(async () => {
    netns = await createNetns('r');
    dir = await mkdtemp(join(tmpdir(), 'wherez-resolvers-'));
    const testnet = runCli(['testnet', '--nodes', '10'], {}, netns.name);
    procs.push(testnet);
    const [, bootstrap] = await testnet.line(/^bootstrap: (\S+)$/, 15_000);
    const big = runNode([ZONE_SERVER, '127.0.0.6', '53', 'big.internal', 'big=40'], {}, netns.name);
    procs.push(big);
    await big.line(/^zone-server: 53$/, 10_000);
    for (const host of ['127.0.0.2', '127.0.0.3']) {
      nodes.push(await startServe({ host, bootstrap: bootstrap!, passphrase: 'resolvers-ldap', announce: 389, netns: netns.name }));
    }
    nodes.push(await startServe({ host: '127.0.0.1', dnsPort: 53, bootstrap: bootstrap!, passphrase: 'resolvers-ldap', netns: netns.name }));
    await writeFile(join(dir, 'unbound.conf'), unboundConf(dir));
    resolvers.push(netns.start('unbound', ['-d', '-c', join(dir, 'unbound.conf')]));
    resolvers.push(netns.start('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', `--listen-address=${DNSMASQ}`, '--bind-interfaces',
      '--port=53', '--no-resolv', '--no-hosts', '--pid-file=', '--user=root', '--log-facility=-',
      '--server=/_wherez.local/127.0.0.1#53', '--server=/_wherez.big.internal/127.0.0.6#53']));
    await waitFor(async () => (await dig('127.0.0.1', ['+short', 'SRV', '_ldap._tcp._wherez.local']).catch(() => '')).trim().split('\n').length === 2,
      60_000, 'both peers at wherez', 200);
  });

  after(async () => {
    for (const r of resolvers) await r.stop();
    for (const n of nodes) await n.stop();
    for (const p of procs.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
    await netns?.close();
  });

  test('drill needs -t and delv needs -i for wherez answers, as docs/resolvers.md says', async () => {
    const big = ['-p', '53', '@127.0.0.6', 'SRV', '_big._wherez.big.internal'];
    const udp = await netns.exec('drill', big);
    assert.match(udp, /flags: qr aa tc/, 'drill shows the truncated UDP answer and does not retry');
    assert.match(udp, /ANSWER: 0,/);
    assert.match(await netns.exec('drill', ['-t', ...big]), /ANSWER: 40,/);
    // delv reports the failure on stderr (its exit status varies by version): read both.
    const plain = await netns.exec('sh', ['-c', 'delv @127.0.0.1 SRV _ldap._tcp._wherez.local 2>&1 || true']);
    assert.match(plain, /broken trust chain|resolution failed/, `delv validates from the root by default: ${plain}`);
    const srv = await netns.exec('delv', ['-i', '@127.0.0.1', 'SRV', '_ldap._tcp._wherez.local']);
    assert.equal(srv.split('\n').filter((l) => /\sIN\s+SRV\s+0 0 389 h-127-0-0-[23]\._wherez\.local\.$/.test(l)).length, 2);
  });

  for (const [what, server] of [['dnsmasq', DNSMASQ], ['unbound', UNBOUND]] as const) {
    test(`${what}: SRV, NXDOMAIN with the SOA, 40 peers truncated over UDP then whole over TCP`, async () => {
      const out = () => resolvers.map((r) => r.output().slice(-1500)).join('\n---\n');
      await waitFor(async () => (await dig(server, ['+short', 'SRV', '_ldap._tcp._wherez.local']).catch(() => '')).includes('389'),
        15_000, `${what} to answer (${out()})`, 200);
      const srv = (await dig(server, ['+short', 'SRV', '_ldap._tcp._wherez.local'])).trim().split('\n').sort();
      assert.deepEqual(srv, ['0 0 389 h-127-0-0-2._wherez.local.', '0 0 389 h-127-0-0-3._wherez.local.']);
      const nx = await dig(server, ['SRV', '_nope._tcp._wherez.local']);
      assert.match(nx, /status: NXDOMAIN/);
      assert.match(nx, /AUTHORITY SECTION:\n_wherez\.local\.\s+\d+\s+IN\s+SOA\s+ns\._wherez\.local\. hostmaster\._wherez\.local\./);
      const udp = await dig(server, ['+ignore', '+bufsize=1232', 'SRV', '_big._wherez.big.internal']);
      assert.match(udp, /flags: qr[^;]* tc/, 'the UDP answer is truncated');
      const tcp = await dig(server, ['+bufsize=1232', 'SRV', '_big._wherez.big.internal']);
      assert.match(tcp, /Truncated, retrying in TCP mode/);
      assert.match(tcp, /ANSWER: 40,/);
    });
  }
});
