import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { dig } from '../helpers/dig.js';
import { waitFor } from '../helpers/wait.js';

const config = (zones: string[], zoneExtra: string[] = []) => [
  'listen: ["127.0.0.41:0"]', 'forward: false', 'state_dir: ./state', 'log_level: warn',
  'dht: { bind: 127.0.0.41, port: 0, bootstrap: [] }',
  'zones:', ...zones.flatMap((z) => [`  ${z}:`, '    passphrase_env: WHEREZ_RELOAD_TEST', ...zoneExtra.map((l) => `    ${l}`)]),
].join('\n');

const status = async (port: number, name: string) => /status: (\w+)/.exec(await dig('127.0.0.41', port, name, 'SRV'))?.[1];

/** `wherez serve` on a config with the zone `ldap`, stopped and cleaned up after the test. */
async function serveLdapZone(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'zones.yaml');
  await writeFile(file, config(['ldap']));
  const serve = runCli(['serve', '--config', file], { WHEREZ_RELOAD_TEST: 'reload-secret' });
  t.after(() => serve.stop());
  const [, port] = await serve.line(/^wherez serving .* on [^ ]+:(\d+) /, 10_000);
  const p = Number(port);
  return { file, serve, p };
}

test('SIGHUP reloads zones; a broken config on reload keeps the old one serving', async (t) => {
  const { file, serve, p } = await serveLdapZone(t);
  assert.equal(await status(p, '_ldap._wherez.local'), 'NOERROR');
  assert.equal(await status(p, '_lock._wherez.local'), 'NXDOMAIN');

  await writeFile(file, config(['lock']));
  serve.child.kill('SIGHUP');
  await waitFor(async () => (await status(p, '_lock._wherez.local')) === 'NOERROR', 10_000, 'zone lock to appear');
  assert.equal(await status(p, '_ldap._wherez.local'), 'NXDOMAIN', 'zone ldap removed');

  await writeFile(file, 'zones: [this is: not valid');
  serve.child.kill('SIGHUP');
  await waitFor(() => serve.stderr().includes('reload failed'), 10_000, 'the failed reload to be logged');
  assert.equal(await status(p, '_lock._wherez.local'), 'NOERROR', 'still serving the previous config');
  assert.equal(serve.child.exitCode, null);
  assert.ok(!serve.stderr().includes('reload-secret'));
  assert.equal(await serve.stop(), 0);
});

test('SIGHUP with a new service or proto renames the RFC 2782 names of the zone at once', async (t) => {
  const { file, serve, p } = await serveLdapZone(t);
  assert.equal(await status(p, '_ldap._tcp._wherez.local'), 'NOERROR', 'service defaults to the label, proto to tcp');
  await writeFile(file, config(['ldap'], ['service: directory', 'proto: udp']));
  serve.child.kill('SIGHUP');
  await waitFor(async () => (await status(p, '_directory._udp._wherez.local')) === 'NOERROR', 10_000, 'the new service name');
  assert.equal(await status(p, '_ldap._tcp._wherez.local'), 'NXDOMAIN', 'the old name is gone');
  assert.equal(await status(p, '_ldap._wherez.local'), 'NOERROR', 'the short form stays');
  assert.equal(await serve.stop(), 0);
});
