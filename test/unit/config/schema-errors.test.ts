import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWherezError } from '../../../src/errors.js';
import { parse, rejects, yaml } from './harness.js';

const invalid = (text: string, path: string, line: number) => rejects(parse(text), 'WHEREZ_CONFIG_INVALID', path, line);

test('unknown keys are rejected at every depth, with a did-you-mean hint', async () => {
  let err = await invalid(yaml('listen: ["127.0.0.1:53"]', 'forwad: true'), 'forwad', 2);
  assert.match(err.message, /unknown key \(did you mean "forward"\?\)/);
  await invalid(yaml('dht:', '  bind: 0.0.0.0', '  prot: 1'), 'dht.prot', 3);
  // Inside a zone the key itself is never repeated (it could be a passphrase): the line locates it.
  err = await invalid(yaml('zones:', '  ldap:', '    passphrase: x', '    auth_prot: 4'), 'zones.ldap', 4);
  assert.match(err.message, /unknown key on this line, not repeated here \(did you mean "auth_port"\?\)/);
  assert.ok(!err.message.includes('auth_prot:'), err.message);
  err = await invalid(yaml('zones:', '  ldap:', '    passphrase: x', '    zzzzzzzzz: 4'), 'zones.ldap', 4);
  assert.ok(!err.message.includes('zzzzzzzzz'), err.message);
  assert.match(err.message, /known keys: passphrase_file, passphrase_env, passphrase, announce, auth_port, ttl, min_peers/);
});

test('wrong types name the expected and the actual type', async () => {
  const err = await invalid(yaml('forward: "yes"'), 'forward', 1);
  assert.match(err.message, /must be boolean, not a string/);
  await invalid(yaml('listen: "127.0.0.1:53"'), 'listen', 1);
  await invalid(yaml('listen: [53]'), 'listen[0]', 1);
  await invalid(yaml('dht:', '  port: 6881.5'), 'dht.port', 2);
  await invalid(yaml('zones: []'), 'zones', 1);
  const empty = await invalid(yaml('zones:', '  ldap:'), 'zones.ldap', 2);
  assert.match(empty.message, /must be object, not empty \(null\)/);
  await invalid(yaml('- a', '- b'), '(top level)', 1);
});

test('YAML 1.2: yes/on are strings, so forward: yes is an error rather than a surprise', async () => {
  await invalid(yaml('forward: yes'), 'forward', 1);
});

test('numeric ranges', async () => {
  const cases: Array<[string, string, number]> = [
    [yaml('dht:', '  port: 65536'), 'dht.port', 2],
    [yaml('dht:', '  port: -1'), 'dht.port', 2],
    [yaml('negative_ttl: 86401'), 'negative_ttl', 1],
    [yaml('max_ttl: -5'), 'max_ttl', 1],
    [yaml('zones:', '  a:', '    passphrase: x', '    ttl: 86401'), 'zones.a.ttl', 4],
    [yaml('zones:', '  a:', '    passphrase: x', '    ttl: -1'), 'zones.a.ttl', 4],
    [yaml('zones:', '  a:', '    passphrase: x', '    min_peers: 0'), 'zones.a.min_peers', 4],
    [yaml('zones:', '  a:', '    passphrase: x', '    min_peers: 1001'), 'zones.a.min_peers', 4],
    [yaml('zones:', '  a:', '    passphrase: x', '    announce: 0', '    auth_port: 1'), 'zones.a.announce', 4],
    [yaml('zones:', '  a:', '    passphrase: x', '    announce: 70000', '    auth_port: 1'), 'zones.a.announce', 4],
    [yaml('zones:', '  a:', '    passphrase: x', '    announce: 1', '    auth_port: 65536'), 'zones.a.auth_port', 5],
  ];
  for (const [text, path, line] of cases) await invalid(text, path, line);
});

test('range limits themselves are accepted (ports 0, ttl 0 and 86400, min_peers 1000)', async () => {
  const { config } = await parse(yaml(
    'listen: ["127.0.0.1:0"]', 'negative_ttl: 0', 'max_ttl: 86400',
    'dht: { port: 0, bootstrap: [] }',
    'zones:', '  a:', '    passphrase: x', '    announce: 65535', '    auth_port: 0', '    ttl: 0', '    min_peers: 1000',
  ));
  assert.equal(config.listen[0]?.port, 0);
  assert.equal(config.dht.port, 0);
  assert.equal(config.zones[0]?.authPort, 0);
  assert.equal(config.zones[0]?.minPeers, 1000);
});

test('log_level must be a pino level', async () => {
  const err = await invalid(yaml('log_level: verbose'), 'log_level', 1);
  assert.match(err.message, /must be one of trace, debug, info, warn, error, fatal, silent/);
});

test('announce requires auth_port', async () => {
  const err = await invalid(yaml('zones:', '  ldap:', '    passphrase: x', '    announce: 389'), 'zones.ldap.announce', 4);
  assert.match(err.message, /announce requires auth_port/);
});

test('zone labels must be lower-case DNS labels; upper case gets a hint', async () => {
  // Labels are keys under zones: shown by line, never quoted (a passphrase may sit there).
  const err = await invalid(yaml('zones:', '  LDAP:', '    passphrase: x'), 'zones', 2);
  assert.match(err.message, /write it in lower case/);
  assert.ok(!/ldap/i.test(err.message.replace(/DNS label|_<label>/g, '')), err.message);
  for (const bad of ['-a', 'a-', 'a_b', 'a'.repeat(64), '"a.b"', '"é"']) {
    const e = await invalid(yaml('zones:', `  ${bad}:`, '    passphrase: x'), 'zones', 2);
    assert.ok(!e.message.includes(bad.replace(/"/g, '')), e.message);
  }
  const { config } = await parse(yaml('zones:', '  a:', '    passphrase: x', '  0-9:', '    passphrase: y', `  ${'b'.repeat(62)}:`, '    passphrase: z'));
  assert.equal(config.zones.length, 3);
});

test('domain must be a DNS name; it is lower-cased', async () => {
  for (const bad of ['.local', 'local.', 'a..b', '-a.b', 'a_b.c', '""', `${'a'.repeat(64)}.b`]) {
    await invalid(yaml(`domain: ${bad}`), 'domain', 1);
  }
  const long = Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.');
  await invalid(yaml(`domain: ${long}`), 'domain', 1);
  assert.equal((await parse('domain: Corp.Example\n')).config.domain, 'corp.example');
});

test('names that cannot fit in 253 characters are rejected', async () => {
  // The longest name: i-<39-char IPv6>-<port>._<label>._wherez.<domain> = 58 + label + domain.
  const domain = Array.from({ length: 3 }, () => 'd'.repeat(60)).join('.'); // 182 characters
  // (A 13-digit label is no RFC 6335 service name, so only the label's own names count here.)
  const fits = await parse(yaml(`domain: ${domain}`, 'zones:', `  ${'1'.repeat(13)}:`, '    passphrase: x'));
  assert.equal(fits.config.zones.length, 1);
  const err = await invalid(yaml(`domain: ${domain}`, 'zones:', `  ${'x'.repeat(14)}:`, '    passphrase: x'), `zones.${'x'.repeat(14)}`, 3);
  assert.match(err.message, /would have 254 characters.*shorten the label or the domain/);
  await invalid(yaml(`domain: ${Array.from({ length: 4 }, () => 'd'.repeat(61)).join('.')}`), 'domain', 1); // 247 + 8
});

test('lists: listen needs one entry, entries must be non-empty strings', async () => {
  await invalid(yaml('listen: []'), 'listen', 1);
  await invalid(yaml('allow:', '  - 10.0.0.0/8', '  - ""'), 'allow[1]', 3);
  await invalid(yaml('dht:', '  bootstrap:', '    - ""'), 'dht.bootstrap[0]', 3);
});

test('every schema error is collected into one error, one line each, in file order', async () => {
  const text = yaml(
    'listen: []',
    'forward: 1',
    'bogus: true',
    'dht:',
    '  port: 99999',
    'zones:',
    '  ldap:',
    '    passphrase: x',
    '    ttl: "30"',
  );
  const err = await parse(text).catch((e: unknown) => e);
  assert.ok(isWherezError(err, 'WHEREZ_CONFIG_INVALID'));
  const lines = err.message.split('\n');
  assert.equal(lines[0], 'WHEREZ_CONFIG_INVALID: 5 problems in zones.yaml');
  assert.deepEqual(lines.slice(1).map((l) => l.trim().split(': ').slice(0, 2).join(': ')), [
    'zones.yaml:1: listen', 'zones.yaml:2: forward', 'zones.yaml:3: bogus', 'zones.yaml:5: dht.port', 'zones.yaml:9: zones.ldap.ttl',
  ]);
});

test('YAML syntax errors are WHEREZ_CONFIG_READ with file:line:col', async () => {
  const dup = await parse(yaml('domain: a', 'domain: b')).catch((e: unknown) => e);
  assert.ok(isWherezError(dup, 'WHEREZ_CONFIG_READ'));
  assert.match(dup.message, /^WHEREZ_CONFIG_READ: zones\.yaml:2:1: YAML syntax: duplicate key$/);
  const bad = await parse(yaml('listen: ["127.0.0.1:53"', 'domain: x')).catch((e: unknown) => e);
  assert.ok(isWherezError(bad, 'WHEREZ_CONFIG_READ'));
  assert.match(bad.message, /zones\.yaml:\d+:\d+: YAML syntax/);
  const two = await parse(yaml('a: 1', '---', 'b: 2')).catch((e: unknown) => e);
  assert.ok(isWherezError(two, 'WHEREZ_CONFIG_READ'));
});

test('alias bombs are refused', async () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  const err = await parse(yaml(...lines)).catch((e: unknown) => e);
  assert.ok(isWherezError(err, 'WHEREZ_CONFIG_READ'), String(err));
});
