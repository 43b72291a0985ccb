import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN, runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

async function tempConfig(t: { after: (fn: () => Promise<void>) => void }, yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-errors-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o777);
  const file = join(dir, 'zones.yaml');
  await writeFile(file, yaml, { mode: 0o644 });
  return file;
}

async function exitOf(cmd: string, args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('serve on port 53 without privilege: a coded error that names the fix, exit 1', { skip: !isRoot && 'needs root to switch to an unprivileged user' }, async (t) => {
  const file = await tempConfig(t, 'listen: ["127.0.0.1:53"]\nforward: false\nstate_dir: ./state\ndht: { bind: 127.0.0.1, port: 0, bootstrap: [] }\nzones: {}\n');
  const r = await exitOf('runuser', ['-u', 'nobody', '--', process.execPath, BIN, 'serve', '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^WHEREZ_LISTEN_DENIED: cannot bind udp 127\.0\.0\.1:53: .*CAP_NET_BIND_SERVICE/m);
});

test('a bad config never starts a server: serve and check name file, line and path', async (t) => {
  const file = await tempConfig(t, 'listen: ["127.0.0.1:0"]\nforward: false\nzones:\n  ldap:\n    passphrase_env: WHEREZ_TEST_UNSET_VAR\n    ttl: -1\ndht: { bind: 127.0.0.1, port: 0, bootstrap: [] }\n');
  for (const cmd of ['serve', 'check']) {
    const r = await exitOf(process.execPath, [BIN, cmd, '--config', file]);
    assert.equal(r.code, 1, `${cmd} exits 1`);
    assert.match(r.stderr, /zones\.yaml:6: zones\.ldap\.ttl/);
    assert.doesNotMatch(r.stdout, /serving/);
  }
});

test('a DHT bind to an address no interface has: serve exits 1 at once with a coded error', async (t) => {
  const file = await tempConfig(t, 'listen: ["127.0.0.1:0"]\nforward: false\nstate_dir: ./state\ndht: { bind: 192.0.2.77, port: 0, bootstrap: [] }\nzones: {}\n');
  const started = Date.now();
  const r = await exitOf(process.execPath, [BIN, 'serve', '--config', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^WHEREZ_LISTEN_FAILED: cannot bind dht udp 192\.0\.2\.77:0: /m);
  // Before the fix the process never exited (exitOf kills it at 15 s); node's own start-up takes
  // seconds on a loaded machine, so the bound is loose. The coded error above is the proof.
  assert.ok(Date.now() - started < 12_000, `took ${Date.now() - started} ms`);
});

test('SIGTERM during load and start stops serve at once (start is not awaited past the signal)', async (t) => {
  // The first zone's passphrase file is a FIFO: opening its write end tells the test that serve
  // is loading. 2,000 zones follow: loading and starting them takes far longer than a signal.
  const zones = Array.from({ length: 2_000 }, (_, i) => `  z${i}: { passphrase_env: WHEREZ_SIGNAL_TEST }`).join('\n');
  const file = await tempConfig(t, `listen: ["127.0.0.1:0"]\nforward: false\nstate_dir: ./state\ndht: { bind: 127.0.0.1, port: 0, bootstrap: [] }\nzones:\n  first: { passphrase_file: key.fifo }\n${zones}\n`);
  const fifo = join(dirname(file), 'key.fifo');
  await run('mkfifo', ['-m', '600', fifo]);
  const serve = runCli(['serve', '--config', file], { WHEREZ_SIGNAL_TEST: 'signal test secret' });
  t.after(() => serve.stop());
  const writer = await open(fifo, 'w'); // resolves once serve opened it: it is loading the config
  await writer.writeFile('fifo secret\n');
  await writer.close();
  const signalled = Date.now();
  serve.child.kill('SIGTERM');
  const code = await serve.exited();
  assert.equal(code, 1, serve.stderr());
  assert.match(serve.stderr(), /interrupted during start/);
  assert.deepEqual(serve.lines.filter((l) => l.includes('serving')), []);
  assert.ok(Date.now() - signalled < 4_000, `exit took ${Date.now() - signalled} ms`);
});

/** CPU seconds (user + system) `pid` has used so far, from /proc/PID/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

test('wherez check on a huge config ends at once on SIGTERM, even mid-parse', async (t) => {
  // Just under the 4 MiB limit: ~130,000 zones take seconds of CPU to parse before the zone count is refused.
  const line = (i: number) => `  z${i}: {passphrase_env: K}`;
  const zones: string[] = [];
  for (let size = 0, i = 0; size < 4 * 1024 * 1024 - 100; i++) { zones.push(line(i)); size += line(i).length + 1; }
  zones.pop();
  const file = await tempConfig(t, `zones:\n${zones.join('\n')}\n`);
  const check = runCli(['check', '--config', file], { K: 'k' });
  t.after(() => check.stop());
  const pid = check.child.pid as number;
  await waitFor(async () => (await cpuSeconds(pid)) >= 2.5, 30_000, 'check to be busy parsing (past its start-up)');
  const signalled = Date.now();
  check.child.kill('SIGTERM');
  await check.exited();
  assert.equal(check.child.signalCode, 'SIGTERM', `exit code ${check.child.exitCode}: ${check.stderr()}`);
  assert.ok(Date.now() - signalled < 2_000, `exit took ${Date.now() - signalled} ms`);
});
