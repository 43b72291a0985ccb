import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { infohashV1 } from '../../src/discovery/infohash.js';
import { createLogger } from '../../src/log.js';
import { encodePeersFile } from '../../src/state/peers-file.js';
import { digShort } from '../helpers/dig.js';
import { startTarpit } from '../helpers/tcp.js';
import { waitFor } from '../helpers/wait.js';

const PASS = 'warm-peers-secret';

async function setup(t: { after: (fn: () => Promise<void>) => void }, peersFile: (live: number, tarpit: number) => unknown) {
  // A live sibling (standalone DHT: reachable only through the saved file) and a tarpit that accepts and never answers.
  const dht = new DhtNode({ host: '127.0.0.36', port: 0, bootstrap: [] });
  await dht.start();
  const sib = new Discovery({ passphrase: Buffer.from(PASS), appPort: 636, authPort: 0, dht, host: '127.0.0.36' });
  await sib.start();
  const tarpit = await startTarpit('127.0.0.37');
  t.after(async () => { await sib.close(); await dht.close(); await tarpit.close(); });
  const dir = await mkdtemp(join(tmpdir(), 'wherez-warm-peers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'state'));
  await writeFile(join(dir, 'state', 'peers.json'), JSON.stringify(peersFile(sib.authPort, tarpit.port)));
  let logs = '';
  const log = createLogger({ level: 'info', destination: new Writable({ write(c, _e, cb) { logs += String(c); cb(); } }) });
  const { config } = await parseConfig([
    'listen: ["127.0.0.35:0"]', 'forward: false', `state_dir: ${join(dir, 'state')}`,
    'dht: { bind: 127.0.0.35, port: 0, bootstrap: [] }', 'zones:', '  ldap: { passphrase_env: K, ttl: 30, protocol: v1 }',
  ].join('\n'), { file: 'zones.yaml', baseDir: dir, env: { K: PASS } });
  const daemon = new Daemon(config, { log, timing: { readTimeoutMs: 1500 } });
  t.after(() => daemon.close());
  await daemon.start();
  return { daemon, dir, port: daemon.dnsEndpoints[0]!.port, logs: () => logs };
}

const zoneFile = (infohash: string, peers: Array<[string, number, number]>) => encodePeersFile(new Map([['ldap', {
  infohash, peers: peers.map(([host, port, authPort]) => ({ host, port, authPort, verifiedAt: 1 })),
}]]), 1);

test('restored peers are served at once as stale; the one that answers stays, the silent one leaves', async (t) => {
  const ih = infohashV1(PASS).toString('hex');
  const { daemon, dir, port } = await setup(t, (live, tarpit) => zoneFile(ih, [['127.0.0.36', 636, live], ['127.0.0.37', 999, tarpit]]));
  const srv = () => digShort('127.0.0.35', port, '_ldap._wherez.local', 'SRV');
  const txt = async () => (await digShort('127.0.0.35', port, '_ldap._wherez.local', 'TXT')).join(' ');
  assert.deepEqual(await srv(), ['0 0 636 h-127-0-0-36._wherez.local.', '0 0 999 h-127-0-0-37._wherez.local.']);
  assert.match(await txt(), /"stale=1"/, 'unconfirmed restored peers are stale');
  await waitFor(async () => (await srv()).length === 1, 10_000, 'the tarpit to fail its challenge and leave');
  assert.deepEqual(await srv(), ['0 0 636 h-127-0-0-36._wherez.local.']);
  assert.match(await txt(), /"peers=1" "stale=0"/);
  // The file now holds what the daemon knows: the verified sibling only.
  await daemon.close();
  const saved = JSON.parse(await readFile(join(dir, 'state', 'peers.json'), 'utf8')) as { zones: { ldap: { peers: Array<{ host: string }> } } };
  assert.deepEqual(saved.zones.ldap.peers.map((p) => p.host), ['127.0.0.36']);
});

test('a foreign file (other passphrase) restores nothing; a corrupt one is logged and ignored', async (t) => {
  const other = infohashV1('another passphrase').toString('hex');
  const a = await setup(t, (live) => zoneFile(other, [['127.0.0.36', 636, live]]));
  assert.deepEqual(await digShort('127.0.0.35', a.port, '_ldap._wherez.local', 'SRV'), []);
  await a.daemon.close();
  const b = await setup(t, () => ({ format: 'wherez-peers', version: 99, zones: {} }));
  assert.match(b.logs(), /"why":"version 99, this wherez reads 1".*"msg":"peers file ignored; starting without known peers"/);
});
