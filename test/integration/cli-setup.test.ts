import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { Capture } from '../helpers/capture.js';

async function run(args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, env: {}, signal: new AbortController().signal });
  return { code, out: stdout.text, err: stderr.text };
}

test('setup prints, and with --apply writes (keeping a backup), the split-DNS file; never reads the passphrase', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-setup-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cfg = async (name: string, lines: string[]) => {
    // The passphrase file does not exist: setup must not need it.
    await writeFile(join(dir, name), [...lines, 'zones:', '  ldap: { passphrase_file: /nonexistent/ldap.key }'].join('\n'));
    return join(dir, name);
  };
  const split = await cfg('split.yaml', ['listen: ["0.0.0.0:5300"]', 'domain: internal', 'forward: false']);
  const printed = await run(['setup', 'resolved', '--config', split]);
  assert.equal(printed.code, 0, printed.err);
  assert.match(printed.out, /^# \/etc\/systemd\/resolved\.conf\.d\/wherez\.conf\n/);
  assert.match(printed.out, /^\[Resolve\]\nDNS=127\.0\.0\.1:5300\nDomains=~_wherez\.internal$/m, 'a wildcard listener is reached on loopback');

  const root = join(dir, 'root');
  const applied = await run(['setup', 'resolved', '--config', split, '--apply', '--root', root]);
  assert.equal(applied.code, 0, applied.err);
  const dropIn = await readFile(join(root, 'etc/systemd/resolved.conf.d/wherez.conf'), 'utf8');
  assert.match(dropIn, /^DNS=127\.0\.0\.1:5300$/m);
  assert.doesNotMatch(applied.out, /backup/);

  const mac = await run(['setup', 'resolver', '--config', split]);
  assert.match(mac.out, /^# \/etc\/resolver\/_wherez\.internal\n(#.*\n)nameserver 127\.0\.0\.1\nport 5300\n/);

  // resolv.conf needs port 53 and forwarding; each refusal names the fix.
  const refused = await run(['setup', 'resolv-conf', '--config', split]);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /resolv\.conf carries no port: .*set listen: \["127\.0\.0\.1:53"\]/);
  const full = await cfg('full.yaml', ['listen: ["127.0.0.1:53"]', 'forward: true', 'upstreams: ["192.0.2.53"]']);
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/resolv.conf'), 'nameserver 192.0.2.53\n');
  const rc = await run(['setup', 'resolv-conf', '--config', full, '--apply', '--root', root]);
  assert.equal(rc.code, 0, rc.err);
  assert.match(await readFile(join(root, 'etc/resolv.conf'), 'utf8'), /^nameserver 127\.0\.0\.1$/m);
  const backups = (await readdir(join(root, 'etc'))).filter((f) => f.startsWith('resolv.conf.wherez-backup-'));
  assert.equal(backups.length, 1, 'the previous file is kept');
  assert.equal(await readFile(join(root, 'etc', backups[0]!), 'utf8'), 'nameserver 192.0.2.53\n');
  assert.match(rc.out, /previous file kept as .*resolv\.conf\.wherez-backup-\d{8}T\d{6}Z/);
});
