import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';
import { runNode } from '../helpers/cli.js';
import { digShort } from '../helpers/dig.js';
import { FAST_TIMING, waitFor } from '../helpers/wait.js';

const CHILD = fileURLToPath(new URL('../helpers/daemon-child.js', import.meta.url));
const PASS = 'warm-restart-secret';
const SIBLINGS = ['127.0.0.32', '127.0.0.33'];
const KILLS = 20;
/** The promise: after any kill -9, the next start serves the last peers within 1 s of listening. */
const SERVE_WITHIN_MS = 1_000;
/** The child pauses this long between writing the temp file and renaming it. */
const PAUSE_MS = 150;

const want = SIBLINGS.map((h, i) => `0 0 ${4890 + i} h-${h.replaceAll('.', '-')}._wherez.local.`).sort();

test('kill -9 at 20 random moments, some mid-write: every restart serves the last peers within 1 s of listening, even with the DHT gone', async (t) => {
  const net = await startTestnet({ nodes: 8 });
  let netClosed = false;
  const closeNet = async () => { if (!netClosed) { netClosed = true; await net.close(); } };
  t.after(closeNet);
  for (const [i, host] of SIBLINGS.entries()) {
    const dht = new DhtNode({ host, port: 0, bootstrap: net.bootstrap });
    await dht.start();
    const disc = new Discovery({ passphrase: Buffer.from(PASS), appPort: 4890 + i, authPort: 0, dht, host, timing: FAST_TIMING });
    t.after(async () => { await disc.close(); await dht.close(); });
    await disc.start();
  }
  const dir = await mkdtemp(join(tmpdir(), 'wherez-warm-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ldap.key'), PASS, { mode: 0o600 });
  await writeFile(join(dir, 'zones.yaml'), [
    'listen: ["127.0.0.31:0"]', 'forward: false', 'state_dir: ./state', 'log_level: info',
    `dht: { bind: 127.0.0.31, port: 0, bootstrap: ["${net.bootstrap[0]!.host}:${net.bootstrap[0]!.port}"] }`,
    // ttl 1: a re-verification per second keeps the peers file being rewritten.
    'zones:', '  ldap: { passphrase_file: ldap.key, ttl: 1, min_peers: 2, protocol: v1 }',
  ].join('\n'));
  // A corrupt file from the start: logged and ignored, never a crash.
  await mkdir(join(dir, 'state'));
  await writeFile(join(dir, 'state', 'peers.json'), '{"format":"wherez-peers","version":1,"zones":{"ldap":{"infohash":"zz"');

  let midWrite = 0;
  for (let run = 0; run <= KILLS; run++) {
    const child = runNode([CHILD, join(dir, 'zones.yaml'), String(PAUSE_MS)]);
    try {
      const [, port] = await child.line(/^listening: (\d+)$/, 15_000);
      const listeningAt = Date.now();
      if (run === 0) {
        assert.match(child.stderr(), /peers file ignored/, 'the corrupt file is logged');
        await waitFor(async () => JSON.stringify(await digShort('127.0.0.31', Number(port), '_ldap._wherez.local', 'SRV')) === JSON.stringify(want), 15_000, 'the first run to verify both siblings');
        // Let the first save land before the first kill.
        await child.line(/^state: paused before rename$/, 5_000);
        await new Promise((r) => setTimeout(r, PAUSE_MS + 100));
        // From now on the DHT is gone: a restarted daemon can learn its peers only from its state.
        await closeNet();
      } else {
        const srv = await digShort('127.0.0.31', Number(port), '_ldap._wherez.local', 'SRV');
        const took = Date.now() - listeningAt;
        assert.deepEqual(srv, want, `run ${run}: the last peers served at once (stderr: ${child.stderr().slice(-1500)})`);
        assert.ok(took < SERVE_WITHIN_MS, `run ${run}: served after ${took} ms`);
      }
      // Every third kill waits for a write to be paused between fsync and rename; the rest at a random moment.
      if (run % 3 === 1) {
        const before = child.lines.filter((l) => l.startsWith('state:')).length;
        await waitFor(() => child.lines.filter((l) => l.startsWith('state:')).length > before, 10_000, 'a peers-file write');
        midWrite++;
      } else {
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1500)));
      }
    } finally {
      child.child.kill('SIGKILL');
      await child.exited();
    }
    assert.doesNotMatch(child.stderr(), /"level":(50|60)/, `run ${run}: no error logged`);
  }
  assert.ok(midWrite >= 6, `killed mid-write ${midWrite} times`);
  const left = await readdir(join(dir, 'state'));
  assert.ok(left.filter((f) => f.endsWith('.tmp')).length <= 1, `at most the last run's temp file is left: ${left.join(', ')}`);
});
