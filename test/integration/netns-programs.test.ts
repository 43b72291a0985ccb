/**
 * Existing programs find wherez peers unmodified (issue #7): in a network namespace whose
 * resolv.conf points at wherez on 127.0.0.1:53, two peers (127.0.0.2, 127.0.0.3) on a loopback
 * DHT announce LDAP (389/tcp), a Kerberos KDC (88/udp) and MongoDB (27017/tcp); stand-ins on those
 * ports record who reached them. Then ldapsearch, kinit, the MongoDB Node driver, node:dns,
 * getent and dig are run as a user would, and dnsmasq and unbound are put in front of wherez as
 * docs/resolvers.md says. Programs and the exact names they ask are listed in docs/resolvers.md.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, runNode, type Running } from '../helpers/cli.js';
import { createNetns, isRoot, type Netns } from '../helpers/netns.js';
import { startServe, type ServeNode } from '../helpers/serve.js';
import { waitFor } from '../helpers/wait.js';

const helper = (name: string) => fileURLToPath(new URL(`../helpers/${name}`, import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PEERS = ['127.0.0.2', '127.0.0.3'];
const HOSTS = 'peers.internal';
/** Zones besides startServe's `ldap`: a Kerberos KDC over UDP and a MongoDB zone labelled `db`. */
const zonesYaml = (announce: boolean) => [
  '  kdc:', '    passphrase: "netns-kdc"', '    service: kerberos', '    proto: udp', '    ttl: 2', '    min_peers: 2',
  ...(announce ? ['    announce: 88', '    auth_port: 0'] : []),
  '  db:', '    passphrase: "netns-db"', '    service: mongodb', '    ttl: 2', '    min_peers: 2',
  ...(announce ? ['    announce: 27017', '    auth_port: 0'] : []),
].join('\n');

const skip = !isRoot && 'needs root for ip netns';

describe('real programs in a network namespace find the peers through wherez', { skip }, () => {
  let netns: Netns;
  let dir: string;
  const procs: Running[] = [];
  const nodes: ServeNode[] = [];
  let standIn: Running;
  const sh = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => netns.exec(cmd, args, { env });
  const short = async (args: string[]) => (await sh('dig', ['+short', '+time=3', '+tries=1', ...args])).split('\n').filter(Boolean).sort();

  before(async () => {
    netns = await createNetns('p');
    dir = await mkdtemp(join(tmpdir(), 'wherez-programs-'));
    const testnet = runCli(['testnet', '--nodes', '10'], {}, netns.name);
    procs.push(testnet);
    const [, bootstrap] = await testnet.line(/^bootstrap: (\S+)$/, 15_000);
    standIn = runNode([helper('stand-in.js'), ...PEERS.flatMap((h) => [`tcp:${h}:389`, `udp:${h}:88`, `tcp:${h}:27017`])], {}, netns.name);
    procs.push(standIn);
    await standIn.line(/^stand-in: ready$/, 10_000);
    for (const host of PEERS) {
      nodes.push(await startServe({ host, bootstrap: bootstrap!, passphrase: 'netns-ldap', announce: 389, netns: netns.name, extra: zonesYaml(true) }));
    }
    // The resolver every program uses: discover only, names outside its zones refused.
    nodes.push(await startServe({ host: '127.0.0.1', dnsPort: 53, bootstrap: bootstrap!, passphrase: 'netns-ldap', netns: netns.name,
      extra: `${zonesYaml(false)}\nhost_domain: ${HOSTS}` }));
    for (const name of ['_ldap._tcp._wherez.local', '_kerberos._udp._wherez.local', '_mongodb._tcp.db._wherez.local']) {
      await waitFor(async () => (await short(['SRV', name]).catch(() => [])).length === PEERS.length, 60_000, `both peers in ${name}`, 200);
    }
  });

  after(async () => {
    for (const n of nodes) await n.stop();
    for (const p of procs.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
    await netns?.close();
  });

  /** Resolves once the stand-in has seen `proto` traffic on `port` of one of the peers. */
  const reached = (proto: 'tcp' | 'udp', port: number) => standIn.line(new RegExp(`^seen ${proto} 127\\.0\\.0\\.[23]:${port} `), 15_000);

  /** Runs a program that will fail (the stand-ins speak no protocol) until `until` resolves. */
  async function runUntil(cmd: string, args: string[], until: Promise<unknown>, env: NodeJS.ProcessEnv = {}): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', netns.name, cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = once(child, 'exit');
    try {
      await until;
    } catch (err) {
      throw new Error(`${cmd} never reached a peer: ${(err as Error).message}\n${cmd} said: ${out}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    }
  }

  test('node dns.resolveSrv on the RFC 2782 name; getent ahosts on the underscore-free host name', async () => {
    const script = "require('node:dns').promises.resolveSrv('_ldap._tcp._wherez.local').then((s)=>console.log(JSON.stringify(s)))";
    const srv = JSON.parse(await sh(process.execPath, ['-e', script])) as Array<{ name: string; port: number }>;
    assert.deepEqual(srv.map((s) => `${s.name}:${s.port}`).sort(), PEERS.map((h) => `h-${h.replaceAll('.', '-')}.${HOSTS}:389`));
    assert.match(await sh('getent', ['ahosts', `h-127-0-0-3.${HOSTS}`]), /^127\.0\.0\.3\s/m);
  });

  test('ldapsearch with a DNS SRV URL (ldap:///dc=_wherez%2Cdc=local) connects to a peer\'s LDAP port', async () => {
    await runUntil('ldapsearch', ['-x', '-H', 'ldap:///dc=_wherez%2Cdc=local', '-b', '', '-s', 'base', '-o', 'nettimeout=3'], reached('tcp', 389));
  });

  test('kinit for realm _WHEREZ.LOCAL (dns_lookup_kdc) sends its AS-REQ to a peer\'s port 88', async () => {
    const conf = join(dir, 'krb5.conf');
    await writeFile(conf, ['[libdefaults]', '  default_realm = _WHEREZ.LOCAL', '  dns_lookup_kdc = true', '  dns_lookup_realm = false',
      '  rdns = false', '  dns_canonicalize_hostname = false', ''].join('\n'));
    await runUntil('kinit', ['alice@_WHEREZ.LOCAL'], reached('udp', 88), { KRB5_CONFIG: conf, KRB5CCNAME: `FILE:${join(dir, 'ccache')}` });
  });

  test('the MongoDB Node driver with mongodb+srv://db._wherez.local/ opens a connection to a peer', async () => {
    const script = "const { MongoClient } = require('mongodb');" +
      "new MongoClient('mongodb+srv://db._wherez.local/?tls=false&serverSelectionTimeoutMS=5000&connectTimeoutMS=2000').connect()" +
      ".then(() => console.log('connected'), (e) => console.log('error', e.name, e.message))";
    await runUntil(process.execPath, ['-e', script], reached('tcp', 27017));
  });

  test('dig walks DNS-SD: browse domain -> services -> type -> instance -> SRV/TXT -> address', async () => {
    assert.deepEqual(await short(['PTR', 'b._dns-sd._udp._wherez.local']), ['_wherez.local.']);
    const types = await short(['PTR', '_services._dns-sd._udp._wherez.local']);
    assert.deepEqual(types, ['_kerberos._udp._wherez.local.', '_ldap._tcp._wherez.local.', '_mongodb._tcp._wherez.local.']);
    const instances = await short(['PTR', '_ldap._tcp._wherez.local']);
    assert.deepEqual(instances, ['i-127-0-0-2-389._ldap._tcp._wherez.local.', 'i-127-0-0-3-389._ldap._tcp._wherez.local.']);
    const [srv] = await short(['SRV', instances[0]!]);
    assert.equal(srv, `0 0 389 h-127-0-0-2.${HOSTS}.`);
    assert.deepEqual(await short(['TXT', instances[0]!]), ['"txtvers=1" "zone=ldap" "stale=0"']);
    assert.deepEqual(await short(['A', srv!.split(' ')[3]!]), ['127.0.0.2']);
    assert.deepEqual(await short(['A', 'ns._wherez.local']), ['127.0.0.1'], 'the SOA MNAME and NS target resolve');
  });
});
