import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliLogger } from '../../src/log.js';
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
