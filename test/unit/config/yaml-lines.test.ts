import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath, lineOf, pointerToPath } from '../../../src/config/yaml-lines.js';

const TEXT = [
  '# comment',            // 1
  'listen:',              // 2
  '  - 127.0.0.1:53',     // 3
  '  - "[::1]:53"',       // 4
  'dht: { port: 1,',      // 5
  '  bind: x }',          // 6
  'zones:',               // 7
  '  ldap:',              // 8
  '',                     // 9
  '    ttl: 5',           // 10
  'anchor: &a { k: 1 }',  // 11
  'alias: *a',            // 12
  '"a/b~c": 1',           // 13
].join('\n');

test('lineOf maps paths to the line of their key or item', () => {
  const lines = new LineCounter();
  const doc = parseDocument(TEXT, { lineCounter: lines });
  const at = (...path: (string | number)[]) => lineOf(doc, lines, path);
  assert.equal(at(), 2);
  assert.equal(at('listen'), 2);
  assert.equal(at('listen', 1), 4);
  assert.equal(at('dht', 'bind'), 6);
  assert.equal(at('zones', 'ldap'), 8);
  assert.equal(at('zones', 'ldap', 'ttl'), 10);
  assert.equal(at('zones', 'ldap', 'missing'), 8, 'a missing key points at its parent');
  assert.equal(at('listen', 9), 2);
  assert.equal(at('alias', 'k'), 11, 'aliases resolve to their anchor');
  assert.equal(at('a/b~c'), 13);
});

test('pointerToPath unescapes JSON pointers and types array indices', () => {
  const data = { listen: ['a', 'b'], zones: { '0': { x: 1 } }, 'a/b~c': 1 };
  assert.deepEqual(pointerToPath('', data), []);
  assert.deepEqual(pointerToPath('/listen/1', data), ['listen', 1]);
  assert.deepEqual(pointerToPath('/zones/0/x', data), ['zones', '0', 'x']);
  assert.deepEqual(pointerToPath('/a~1b~0c', data), ['a/b~c']);
});

test('formatPath', () => {
  assert.equal(formatPath([]), '(top level)');
  assert.equal(formatPath(['zones', 'ldap', 'auth_port']), 'zones.ldap.auth_port');
  assert.equal(formatPath(['dht', 'bootstrap', 2]), 'dht.bootstrap[2]');
  assert.equal(formatPath(['zones', 'a.b', 'ttl']), 'zones["a.b"].ttl');
});
