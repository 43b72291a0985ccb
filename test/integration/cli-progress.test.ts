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
  // The peer is a v1 Discovery, so find speaks v1 (its default is v2 since #8).
  // The peer starts only once the progress line is on stderr (an event, not a race of timers):
  // the line shows while nothing is verified, then the peer is found.
  const dht = new DhtNode({ host: '127.0.0.71', port: 0, bootstrap: swarm.bootstrap });
  await dht.start();
  t.after(() => dht.close());
  const peer = new Discovery({ passphrase: Buffer.from('tty-secret'), appPort: 7443, authPort: 0, dht, host: '127.0.0.71' });
  t.after(() => peer.close());

  const stdout = new Capture(false);
  const stderr = new Capture(true);
  const running = main(
    ['find', '--protocol', 'v1', '--port', '0', '--bind', '127.0.0.72', '--bootstrap', `127.0.0.1:${swarm.bootstrap[0]!.port}`, '--count', '1', '-1'],
    { stdout, stderr, env: { WHEREZ_PASSPHRASE: 'tty-secret' }, signal: new AbortController().signal },
  );
  await stderr.until(/\rdht nodes: \d+ {2}candidates tried: \d+ {2}verified: 0/);
  assert.equal(stdout.text, '', 'no peer before the peer started');
  await peer.start();
  const code = await running;
  assert.equal(code, 0);
  assert.equal(stdout.text, 'peer found: 127.0.0.71:7443\n');
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

test('find checks its options with the config\'s rules; `find -- -1` discovers only, as in Go', async () => {
  const run = async (argv: string[], env: NodeJS.ProcessEnv = { WHEREZ_PASSPHRASE: 'cli-rules' }) => {
    const stop = new AbortController();
    const io = { stdout: new Capture(false), stderr: new Capture(false), env, signal: stop.signal };
    const running = main(argv, io);
    return { running, io, stop };
  };
  const base = ['find', '--bind', '127.0.0.75', '--bootstrap', '127.0.0.1:9'];
  for (const [argv, why] of [
    [[...base, '--port', 'abc', '8080'], /--port must be integer/],
    [[...base, '--port', '70000', '8080'], /--port must be <= 65535/],
    [[...base, '--port', '0', '--min-peers', 'abc', '8080'], /--min-peers must be integer/],
    [[...base, '--port', '0', '--min-peers', '0', '8080'], /--min-peers must be >= 1/],
    [[...base, '--port', '0', '70000'], /appPort must be <= 65535/],
    [['find', '--port', '0', '--bind', '::', '--bootstrap', '127.0.0.1:9', '8080'], /--bind must be an IPv4 address/],
  ] as const) {
    const { running, io } = await run([...argv]);
    assert.equal(await running, 1, argv.join(' '));
    assert.match(io.stderr.text, /^WHEREZ_ARGUMENT: /, argv.join(' '));
    assert.match(io.stderr.text, why, argv.join(' '));
  }
  for (const env of [{ WHEREZ_PASSPHRASE: '' }]) {
    const { running, io } = await run([...base, '--port', '0', '8080'], env);
    assert.equal(await running, 1);
    assert.match(io.stderr.text, /^WHEREZ_PASSPHRASE_MISSING: environment variable WHEREZ_PASSPHRASE is unset or empty/);
  }
  // Go's way to pass a negative app port: after `--`. It runs (discover only) until stopped.
  const { running, io, stop } = await run([...base, '--port', '0', '--', '-1']);
  await io.stderr.until(/listening on 127\.0\.0\.75:\d+ \(dht udp, auth tcp\), discover only/);
  stop.abort();
  assert.equal(await running, 0);
});
