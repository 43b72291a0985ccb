import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCheck } from '../../../src/cli/check.js';
import { configFixture } from './fixture-files.js';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  return { stream: new Writable({ write(chunk, _enc, cb) { out += String(chunk); cb(); } }), text: () => out };
}

async function check(config: string, env: NodeJS.ProcessEnv = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCheck({ config }, { stdout: stdout.stream, stderr: stderr.stream, env });
  return { code, out: stdout.text(), err: stderr.text() };
}

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-check-'));
  try {
    const path = join(dir, 'zones.yaml');
    await writeFile(path, text);
    await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('check prints the summary: names, listen, upstreams, passphrase source only; exit 0', async () => {
  const r = await check(configFixture('relative', 'sub', 'zones.yaml'));
  assert.equal(r.code, 0);
  assert.match(r.out, /: ok\n/);
  assert.match(r.out, /listen +127\.0\.0\.1:0 \(UDP and TCP\)/);
  assert.match(r.out, /forward +no: names outside _wherez\.local are refused/);
  assert.match(r.out, /dht +127\.0\.0\.1:0, bootstrap 127\.0\.0\.1:20000/);
  assert.match(r.out, /_ldap\._wherez\.local +announce 389, auth TCP ephemeral, ttl 30s, min_peers 1, passphrase file:\/.*keys\/ldap\.key/);
  assert.match(r.out, /\nreload +SIGHUP applies zones, listen, forward, upstreams, allow, negative_ttl, max_ttl, log_level; a restart is needed for domain, state_dir, dht, metrics, host_domain\n/);
  assert.ok(!r.out.includes('crlf-terminated'));
});

test('check prints warnings on stderr and forwarding details on stdout', async () => {
  await withFile([
    'listen: ["127.0.0.1:5300", "[::1]:5300"]',
    'domain: corp.example',
    'upstreams: ["192.0.2.1", "[2001:db8::1]:5353"]',
    'dht: { bootstrap: [] }',
    'zones:',
    '  mail:',
    '    passphrase_env: MAIL_KEY',
    '  web:',
    '    passphrase: "inline-secret-value"',
    '    announce: 443',
    '    auth_port: 40002',
    '',
  ].join('\n'), async (path) => {
    const r = await check(path, { MAIL_KEY: 'env-secret-value' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^warning: .*zones\.yaml:9: zones\.web\.passphrase: the passphrase is inline/);
    assert.match(r.out, /listen +127\.0\.0\.1:5300, \[::1\]:5300/);
    assert.match(r.out, /forward +yes, to 192\.0\.2\.1:53, \[2001:db8::1\]:5353/);
    assert.match(r.out, /bootstrap \(none: standalone node\)/);
    assert.match(r.out, new RegExp(['zones +2', ' +_mail\\._wherez\\.corp\\.example +discover only, .*passphrase env:MAIL_KEY',
      ' +names _mail\\._tcp\\._wherez\\.corp\\.example, _mail\\._tcp\\.mail\\._wherez\\.corp\\.example',
      ' +_web\\._wherez\\.corp\\.example +announce 443, auth TCP 40002, .*passphrase inline', ' +names _web\\._tcp\\._wherez\\.corp\\.example'].join('\n')));
    assert.ok(!r.out.includes('secret-value') && !r.err.includes('secret-value'));
  });
});

test('check exits 1 with the coded error on stderr for an invalid or missing file', async () => {
  await withFile('listen: [1]\nzones:\n  a:\n    passphrase: x\n    bogus: 1\n', async (path) => {
    const r = await check(path);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^WHEREZ_CONFIG_INVALID: 2 problems in .*zones\.yaml\n {2}.*zones\.yaml:1: listen\[0\]: must be string, not a number\n {2}.*zones\.yaml:5: zones\.a: unknown key/);
  });
  const r = await check('/nonexistent/zones.yaml');
  assert.equal(r.code, 1);
  assert.match(r.err, /^WHEREZ_CONFIG_READ: cannot read \/nonexistent\/zones\.yaml \(ENOENT\)\n$/);
});

test('check reports zones: {} as forwarding only', async () => {
  await withFile('upstreams: ["192.0.2.1"]\nzones: {}\n', async (path) => {
    const r = await check(path);
    assert.equal(r.code, 0);
    assert.match(r.out, /zones +\(none: forwarding only\)/);
  });
});
