import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { Capture } from '../helpers/capture.js';

test('testnet --bind X hints a find bound to X, with the passphrase out of argv', async () => {
  const stop = new AbortController();
  const stdout = new Capture();
  const stderr = new Capture();
  const run = main(['testnet', '--nodes', '2', '--bind', '127.0.0.9'], { stdout, stderr, env: {}, signal: stop.signal });
  const [hint] = await stderr.until(/^try: .*$/m);
  stop.abort();
  assert.equal(await run, 0);
  const port = /bootstrap: 127\.0\.0\.9:(\d+)/.exec(stdout.text)?.[1];
  assert.ok(port, stdout.text);
  assert.equal(hint, `try: WHEREZ_PASSPHRASE=secret wherez find --port 0 --bind 127.0.0.9 --bootstrap 127.0.0.9:${port} 8080`);
});

test('status --config reads the metrics address without the passphrases (the service may be their only reader)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-status-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'zones.yaml');
  await writeFile(file, [
    'listen: ["127.0.0.1:0"]', 'state_dir: ./state', 'metrics: "127.0.0.1:0"', 'dht: { bind: 127.0.0.1, port: 0, bootstrap: [] }',
    'zones:', '  ldap: { passphrase_env: LDAP_KEY, announce: 389, auth_port: 0 }',
  ].join('\n'));
  const { config } = await loadConfig(file, { env: { LDAP_KEY: 'only the service knows' } });
  const daemon = new Daemon(config);
  t.after(() => daemon.close());
  await daemon.start();
  // The status config names the daemon's real metrics port; LDAP_KEY is unset for this user.
  await writeFile(file, (await readFile(file, 'utf8')).replace('metrics: "127.0.0.1:0"', `metrics: "127.0.0.1:${daemon.adminPort}"`));

  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(['status', '--config', file], { stdout, stderr, env: {}, signal: new AbortController().signal });
  assert.equal(code, 0, stderr.text);
  assert.match(stdout.text, /^zone ldap \(_ldap\._wherez\.local\): 0 peers, announcing 389, auth port \d+$/m);
  assert.doesNotMatch(stdout.text, /failures/, 'a standalone node has no failures to report');
});
