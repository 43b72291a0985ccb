import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { Capture } from '../helpers/capture.js';
import { startTestnet } from '../../src/discovery/testnet.js';
import { DhtNode } from '../../src/discovery/dht.js';
import { Discovery } from '../../src/discovery/discovery.js';


test('find on a terminal shows progress on stderr and the peer on stdout (in-process, injected IO)', async (t) => {
  const swarm = await startTestnet({ nodes: 5 });
  t.after(() => swarm.close());
  // A peer that answers only after the progress line had a chance to show: it starts after 1.2 s.
  const dht = new DhtNode({ host: '127.0.0.71', port: 0, bootstrap: swarm.bootstrap });
  await dht.start();
  t.after(() => dht.close());
  const peer = new Discovery({ passphrase: Buffer.from('tty-secret'), appPort: 7443, authPort: 0, dht, host: '127.0.0.71' });
  t.after(() => peer.close());
  const later = setTimeout(() => void peer.start(), 1200);
  t.after(() => clearTimeout(later));

  const stdout = new Capture(false);
  const stderr = new Capture(true);
  const code = await main(
    ['find', '--port', '0', '--bind', '127.0.0.72', '--bootstrap', `127.0.0.1:${swarm.bootstrap[0]!.port}`, '--count', '1', '-1'],
    { stdout, stderr, env: { WHEREZ_PASSPHRASE: 'tty-secret' }, signal: new AbortController().signal },
  );
  assert.equal(code, 0);
  assert.equal(stdout.text, 'peer found: 127.0.0.71:7443\n');
  assert.match(stderr.text, /\rdht nodes: \d+ {2}candidates tried: \d+ {2}verified: 0/);
  assert.ok(!stderr.text.includes('tty-secret'));
});

test('usage errors exit 2 with a hint; a missing passphrase is a coded error, exit 1', async () => {
  const io = () => ({ stdout: new Capture(false), stderr: new Capture(false), env: {}, signal: new AbortController().signal });
  const a = io();
  assert.equal(await main(['nonsense'], a), 2);
  assert.match(a.stderr.text, /see: wherez --help/);
  const b = io();
  assert.equal(await main(['find', '--port', '0', '--bind', '127.0.0.73', '--bootstrap', '127.0.0.1:9', '8080'], b), 1);
  assert.match(b.stderr.text, /^WHEREZ_PASSPHRASE_MISSING: /);
});
