import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliLogger, createLogger, setLogLevel } from '../../src/log.js';
import { Capture } from '../helpers/capture.js';

test('on a terminal, logs are readable lines (time, level, message, fields), secrets still redacted', () => {
  const tty = new Capture(true);
  const log = cliLogger('info', tty, { NO_COLOR: '1' }).child({ component: 'dns' });
  log.info({ listen: ['127.0.0.1:5300'], passphrase: 'hunter2-do-not-show' }, 'wherez serving');
  log.debug('not at info');
  const lines = tty.text.trimEnd().split('\n');
  assert.equal(lines.length, 1, 'one line per event');
  assert.match(lines[0]!, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: dns: wherez serving \{"listen":\["127\.0\.0\.1:5300"\],"passphrase":"\[redacted\]"\}$/);
  assert.ok(!tty.text.includes('hunter2'), 'redacted before formatting');
  assert.ok(tty.text.includes('[redacted]'));
  assert.ok(!tty.text.includes('\u001b['), 'NO_COLOR: no escape sequences');
  assert.ok(!tty.text.includes('not at info'));
  assert.ok(!tty.text.trimStart().startsWith('{'), 'not JSON');
});

test('colours on a terminal unless NO_COLOR', () => {
  const tty = new Capture(true);
  cliLogger('info', tty, {}).warn('careful');
  assert.ok(tty.text.includes('\u001b['), JSON.stringify(tty.text));
});

test('setLogLevel reaches every child logger made before it, at any depth, and back', () => {
  const out = new Capture();
  const root = createLogger({ level: 'warn', destination: out });
  const dns = root.child({ component: 'dns' });
  const zone = root.child({ component: 'discovery' }).child({ zone: 'ldap' });
  // A child with a level of its own at creation: pino keeps it apart from the root's from then on.
  const own = root.child({ component: 'keys' }, { level: 'error' });
  const msgs = () => out.text.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);

  dns.debug('dns at warn');
  setLogLevel(root, 'debug');
  dns.debug('dns at debug');
  zone.debug('zone at debug');
  own.debug('keys at debug');
  root.child({ component: 'admin' }).debug('a child made after the change');
  setLogLevel(root, 'warn');
  dns.debug('dns back at warn');
  zone.info('zone back at warn');
  own.debug('keys back at warn');
  zone.warn('zone warns');
  assert.deepEqual(msgs(), ['dns at debug', 'zone at debug', 'keys at debug', 'a child made after the change', 'zone warns']);
  assert.equal(dns.level, 'warn');
});
