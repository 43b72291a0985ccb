import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { digShort } from '../helpers/dig.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const NOBODY = { uid: 65534, gid: 65534 };
/** The README promises peers "within seconds" of the demo serving. */
const PEERS_WITHIN_MS = 10_000;
/** The build (tsc of the whole project) runs first, on a machine shared with other tests. */
const BUILD_AND_START_MS = 180_000;

/** A fresh clone's files: what git tracks (or would), with the modes a checkout gives them. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wherez-first-run-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT }).toString().split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try { copyFileSync(join(ROOT, f), join(dir, f)); } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; }
  }
  // `npm ci` offline is not possible; the installed tree stands in for it (hard links: no copy).
  execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(dir, 'node_modules')]);
  return dir;
}

test('npm start, from a fresh copy as an unprivileged user: dig lists the verified siblings within seconds, no warning', async (t) => {
  const dir = freshCopy();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['-R', `${NOBODY.uid}:${NOBODY.gid}`, dir]);
  if (asRoot) chownSync(dir, NOBODY.uid, NOBODY.gid);
  // `npm start` exactly, except the DNS and metrics ports, so a demo a developer left running on
  // 5300/9153 cannot fail the test (extra arguments go to the demo command).
  const child = spawn('npm', ['start', '--', '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0'], {
    cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? NOBODY : {}),
    env: { PATH: process.env.PATH, HOME: dir, npm_config_cache: join(dir, '.npm'), npm_config_update_notifier: 'false', LANG: 'C.UTF-8' },
  });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const lines: string[] = [];
  const serving = new Promise<[string, number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "serving DNS" line; stdout: ${lines.join(' | ')}; stderr: ${stderr}`)), BUILD_AND_START_MS);
    createInterface({ input: child.stdout }).on('line', (l) => {
      lines.push(l);
      const m = /^serving DNS on ([\d.]+):(\d+),/.exec(l);
      if (m) { clearTimeout(timer); resolve([m[1]!, Number(m[2]), Date.now()]); }
    });
    void exited.then(([code]) => reject(new Error(`npm start exited (${String(code)}); stdout: ${lines.join(' | ')}; stderr: ${stderr}`)));
  });
  const [host, port, since] = await serving;

  const want = ['0 0 389 h-127-0-0-2._wherez.local.', '0 0 389 h-127-0-0-3._wherez.local.'];
  let got: string[] = [];
  while (JSON.stringify(got) !== JSON.stringify(want)) {
    assert.ok(Date.now() - since < PEERS_WITHIN_MS, `no verified siblings within ${PEERS_WITHIN_MS} ms: ${JSON.stringify(got)}; stdout: ${lines.join(' | ')}; stderr: ${stderr}`);
    got = await digShort(host, port, '_ldap._wherez.local', 'SRV');
  }
  assert.deepEqual(await digShort(host, port, '_ldap._wherez.local', 'A'), ['127.0.0.2', '127.0.0.3']);
  assert.match((await digShort(host, port, '_ldap._wherez.local', 'TXT')).join(' '), /"peers=2".*"stale=0"/);

  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  assert.doesNotMatch(stderr, /warn|error|deprecat/i, `stderr of a first run: ${stderr}`);
  assert.ok(lines.some((l) => l.startsWith('try, in another terminal:')), lines.join('\n'));
});
