import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripOneNewline } from '../../../src/config/passphrase.js';
import { parse, rejects, yaml } from './harness.js';

const zone = (...lines: string[]) => yaml('zones:', '  ldap:', ...lines.map((l) => `    ${l}`));

test('stripOneNewline removes exactly one trailing LF or CRLF', () => {
  const s = (t: string) => stripOneNewline(Buffer.from(t)).toString();
  assert.equal(s('abc\n'), 'abc');
  assert.equal(s('abc\r\n'), 'abc');
  assert.equal(s('abc\n\n'), 'abc\n');
  assert.equal(s('abc\r'), 'abc\r');
  assert.equal(s(' abc \t'), ' abc \t');
  assert.equal(s('\n'), '');
  assert.equal(s(''), '');
});

test('passphrase_file: raw bytes minus one trailing newline, absolute source', async () => {
  const bytes = Buffer.from([0x00, 0xff, 0x20, 0x0a, 0x41, 0x0d, 0x0a]);
  const { config, warnings } = await parse(zone('passphrase_file: keys/ldap.key'), { files: { '/etc/wherez/keys/ldap.key': bytes } });
  assert.deepEqual(warnings, []);
  const z = config.zones[0];
  assert.ok(z);
  assert.deepEqual([...z.passphrase], [0x00, 0xff, 0x20, 0x0a, 0x41]);
  assert.equal(z.passphraseSource, 'file:/etc/wherez/keys/ldap.key');
});

test('passphrase_file: the same secret as env without the newline', async () => {
  const a = await parse(zone('passphrase_file: /k'), { files: { '/k': 'hunter2\n' } });
  const b = await parse(zone('passphrase_env: K'), { env: { K: 'hunter2' } });
  assert.deepEqual(a.config.zones[0]?.passphrase, b.config.zones[0]?.passphrase);
});

test('passphrase_file: missing, unreadable or empty is WHEREZ_PASSPHRASE_MISSING', async () => {
  const missing = await rejects(parse(zone('passphrase_file: /nope.key')), 'WHEREZ_PASSPHRASE_MISSING', 'zones.ldap.passphrase_file', 3);
  assert.match(missing.message, /cannot read passphrase file \/nope\.key \(ENOENT\)/);
  for (const content of ['', '\n', '\r\n']) {
    const err = await rejects(parse(zone('passphrase_file: /k'), { files: { '/k': content } }),
      'WHEREZ_PASSPHRASE_MISSING', 'zones.ldap.passphrase_file', 3);
    assert.match(err.message, /is empty/);
  }
  const denied = await rejects(parse(zone('passphrase_file: /k'), {
    readFile: async () => { throw Object.assign(new Error('no'), { code: 'EACCES' }); },
  }), 'WHEREZ_PASSPHRASE_MISSING', 'zones.ldap.passphrase_file', 3);
  assert.match(denied.message, /EACCES/);
});

test('passphrase_file readable by group or others gives a warning, not an error', async () => {
  for (const mode of [0o100644, 0o100640, 0o100604]) {
    const { warnings } = await parse(zone('passphrase_file: /k'), { files: { '/k': 's\n' }, modes: { '/k': mode } });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^zones\.yaml:3: zones\.ldap\.passphrase_file: .*readable by group or others \(mode 6\d\d\); run: chmod 600 \/k$/);
  }
  for (const mode of [0o100600, 0o100400, 0o100700]) {
    assert.deepEqual((await parse(zone('passphrase_file: /k'), { files: { '/k': 's' }, modes: { '/k': mode } })).warnings, []);
  }
});

test('passphrase_env: read from the injected env, UTF-8, unchanged', async () => {
  const { config } = await parse(zone('passphrase_env: LDAP_KEY'), { env: { LDAP_KEY: ' é\n' } });
  assert.equal(config.zones[0]?.passphrase.toString('utf8'), ' é\n');
  assert.equal(config.zones[0]?.passphraseSource, 'env:LDAP_KEY');
});

test('passphrase_env: unset or empty is WHEREZ_PASSPHRASE_MISSING naming the variable', async () => {
  for (const env of [{}, { LDAP_KEY: '' }]) {
    const err = await rejects(parse(zone('passphrase_env: LDAP_KEY'), { env }), 'WHEREZ_PASSPHRASE_MISSING', 'zones.ldap.passphrase_env', 3);
    assert.match(err.message, /environment variable LDAP_KEY is unset or empty/);
  }
  await rejects(parse(zone('passphrase_env: 1BAD')), 'WHEREZ_CONFIG_INVALID', 'zones.ldap.passphrase_env', 3);
});

test('inline passphrase works and warns', async () => {
  const { config, warnings } = await parse(zone('passphrase: "s3cret"'));
  assert.equal(config.zones[0]?.passphrase.toString(), 's3cret');
  assert.equal(config.zones[0]?.passphraseSource, 'inline');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /^zones\.yaml:3: zones\.ldap\.passphrase: the passphrase is inline/);
  await rejects(parse(zone('passphrase: ""')), 'WHEREZ_CONFIG_INVALID', 'zones.ldap.passphrase', 3);
});

test('no passphrase source is WHEREZ_PASSPHRASE_MISSING at the zone', async () => {
  const err = await rejects(parse(zone('ttl: 30')), 'WHEREZ_PASSPHRASE_MISSING', 'zones.ldap', 2);
  assert.match(err.message, /set one of passphrase_file, passphrase_env or passphrase/);
});

test('two passphrase sources are WHEREZ_CONFIG_INVALID', async () => {
  const err = await rejects(parse(zone('passphrase_file: /k', 'passphrase_env: K'), { files: { '/k': 'a' }, env: { K: 'b' } }),
    'WHEREZ_CONFIG_INVALID', 'zones.ldap.passphrase_env', 4);
  assert.match(err.message, /exactly one passphrase source, not passphrase_file and passphrase_env/);
  await rejects(parse(zone('passphrase_env: K', 'passphrase: x', 'passphrase_file: /k')),
    'WHEREZ_CONFIG_INVALID', 'zones.ldap.passphrase_env', 3);
});

test('every zone problem is reported, not just the first zone', async () => {
  const err = await parse(yaml('zones:', '  a:', '    passphrase_env: A', '  b:', '    passphrase_env: B'))
    .then(() => assert.fail('expected an error'), (e: Error) => e);
  assert.match(err.message, /2 problems/);
  assert.match(err.message, /zones\.yaml:3: zones\.a\.passphrase_env/);
  assert.match(err.message, /zones\.yaml:5: zones\.b\.passphrase_env/);
});
