import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { dig } from '../helpers/dig.js';
import { waitFor } from '../helpers/wait.js';
import { exchange } from '../helpers/tcp.js';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { createLogger } from '../../src/log.js';
import { Capture } from '../helpers/capture.js';

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

/** A zone announcing through a v2 auth listener, and /status to find that listener's port. */
const loggingConfig = (level: string, extra: string[] = []) => [
  'listen: ["127.0.0.41:0"]', 'forward: false', 'state_dir: ./state', `log_level: ${level}`, 'metrics: "127.0.0.41:0"',
  'dht: { bind: 127.0.0.41, port: 0, bootstrap: [] }', ...extra,
  'zones:', '  ldap:', '    passphrase_env: WHEREZ_RELOAD_TEST', '    announce: 389', '    auth_port: 0',
].join('\n');

test('SIGHUP applies log_level to the loggers components made at start: warn -> debug shows their debug lines, back to warn hides them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'zones.yaml');
  await writeFile(file, loggingConfig('warn'));
  const serve = runCli(['serve', '--config', file], { WHEREZ_RELOAD_TEST: 'reload-secret' });
  t.after(() => serve.stop());
  const [, metricsPort] = await serve.line(/^wherez serving .* metrics on [^ ]+:(\d+)$/, 20_000);
  const status = await (await fetch(`http://127.0.0.41:${metricsPort}/status`)).json() as { zones: Array<{ authPort: number }> };
  const authPort = status.zones[0]!.authPort;
  // 86 zero bytes: a v2 first message that names no zone. The auth listener (a child logger the
  // daemon made at start, component "auth") drops it and says so at debug only.
  const junk = () => exchange(authPort, Buffer.alloc(86), '127.0.0.41');
  const lines = () => serve.stderr().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const dropped = () => lines().filter((l) => l.msg === 'v2: handshake dropped');
  const reload = async (text: string, until: (l: Record<string, unknown>) => boolean, what: string) => {
    const before = lines().length;
    await writeFile(file, text);
    serve.child.kill('SIGHUP');
    await waitFor(() => lines().slice(before).some(until), 10_000, what);
  };

  await junk();
  // "config reloaded" is at info: seen only if the new level applies; stderr is one ordered stream,
  // so a line about the junk above would have come before it.
  await reload(loggingConfig('debug'), (l) => l.msg === 'config reloaded', 'the reload to debug');
  assert.equal(dropped().length, 0, 'nothing at debug while at warn');
  assert.equal(lines().find((l) => l.msg === 'config reloaded')!.log_level, 'debug');

  await junk();
  await waitFor(() => dropped().length === 1, 10_000, 'the auth listener\'s debug line');
  assert.equal(dropped()[0]!.component, 'auth');
  assert.equal(dropped()[0]!.level, 20);

  // Back to warn, with a key that needs a restart: its warning (at warn) marks the reload done.
  await reload(loggingConfig('warn', ['domain: internal']), (l) => l.msg === 'these settings change only after a restart', 'the reload back to warn');
  assert.deepEqual(lines().find((l) => l.msg === 'these settings change only after a restart')!.keys, ['domain'], 'only the key that truly needs one');
  const atWarn = lines().length;
  await junk();
  await reload('zones: [this is: not valid', (l) => l.msg === 'reload failed; still serving the previous config', 'a failed reload (at error) after the junk');
  assert.equal(dropped().length, 1, 'no debug line once back at warn');
  assert.deepEqual(lines().slice(atWarn).map((l) => l.msg), ['reload failed; still serving the previous config']);
  assert.ok(!serve.stderr().includes('reload-secret'));
  assert.equal(await serve.stop(), 0);
});

test('a logger whose level is set outside the config (serve --log-level, an embedder): a new log_level is reported as not applied', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cfg = (level: string) => parseConfig([
    'listen: ["127.0.0.41:0"]', 'forward: false', `state_dir: ${join(dir, 'state')}`, `log_level: ${level}`,
    'dht: { bind: 127.0.0.41, port: 0, bootstrap: [] }',
  ].join('\n'), { file: 'zones.yaml', baseDir: dir, env: {} }).then((l) => l.config);
  const out = new Capture();
  const daemon = new Daemon(await cfg('warn'), { log: createLogger({ level: 'warn', destination: out }) });
  t.after(() => daemon.close());
  await daemon.start();
  const diff = await daemon.reload(await cfg('debug'));
  assert.equal(diff.logLevel, 'debug');
  assert.deepEqual(diff.restartNeeded, []);
  assert.match(out.text, /"log_level":"debug","msg":"log_level not applied: the log level is set outside the config/);
  assert.ok(!out.text.includes('"level":20'), 'still at warn');
  await daemon.reload(await cfg('debug'));
  assert.equal(out.text.match(/log_level not applied/g)?.length, 1, 'said once per change');
});
