import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const PEER_WITHIN_MS = 60_000;

test('wherez find against wherez testnet, as the README shows', async (t) => {
  const testnet = runCli(['testnet', '--nodes', '20']);
  t.after(() => testnet.stop());
  const [, bootstrap] = await testnet.line(/^bootstrap: (\S+)$/, 10_000);
  // Debug logs go to stderr, which a failure message includes.
  const common = ['find', '--log-level', 'debug', '--port', '0', '--bootstrap', bootstrap!];
  const a = runCli([...common, '--bind', '127.0.0.2', '8080'], { WHEREZ_PASSPHRASE: 'readme-secret' });
  t.after(() => a.stop());
  const b = runCli([...common, '--bind', '127.0.0.3', '8081', 'readme-secret']);
  t.after(() => b.stop());
  const other = runCli([...common, '--bind', '127.0.0.5', '9000', 'another-secret']);
  t.after(() => other.stop());
  // Generous: each find derives the day's v2 key first (one scrypt each, three at once here), which
  // took more than 15 s on the loaded 2-core CI machine (main failed 2 runs in a row with 15 s).
  const [lineA] = await a.line(/^peer found: .*$/, PEER_WITHIN_MS);
  assert.equal(lineA, 'peer found: 127.0.0.3:8081');
  const [lineB] = await b.line(/^peer found: .*$/, PEER_WITHIN_MS);
  assert.equal(lineB, 'peer found: 127.0.0.2:8080');

  // Discover only (negative app port): finds both, exits by itself after --count 2.
  const c = runCli([...common, '--bind', '127.0.0.4', '--count', '2', '-1', 'readme-secret']);
  t.after(() => c.stop());
  assert.equal(await c.exited(), 0, '--count 2 exits cleanly after two peers');
  assert.deepEqual(c.lines.slice().sort(), ['peer found: 127.0.0.2:8080', 'peer found: 127.0.0.3:8081']);

  assert.equal(await a.stop(), 0, 'SIGTERM ends find with exit 0');
  assert.equal(await b.stop(), 0);
  assert.deepEqual(a.lines, ['peer found: 127.0.0.3:8081'], 'neither the discover-only node nor the other passphrase is reported');
  assert.equal(other.lines.length, 0, 'the other passphrase finds nobody');
  for (const p of [a, b, c]) assert.ok(!p.stderr().includes('readme-secret'), 'no secret on stderr');
});
