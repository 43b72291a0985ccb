import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ContactIndex } from '../../../src/discovery/contact-index.js';
import type { Endpoint } from '../../../src/net/endpoint.js';

const ZONES = 1_000;
const hashOf = (i: number) => createHash('sha1').update(`zone-${i}`).digest('hex');

test('1,000 zones: each contact reaches exactly the zone of its infohash', () => {
  const index = new ContactIndex();
  const got: Endpoint[][] = Array.from({ length: ZONES }, () => []);
  for (let i = 0; i < ZONES; i++) index.add(hashOf(i), (c) => got[i]?.push(c));
  assert.equal(index.size, ZONES);
  for (let i = 0; i < ZONES; i++) {
    assert.equal(index.dispatch(hashOf(i), { host: '192.0.2.1', port: 10_000 + i }), true);
  }
  for (let i = 0; i < ZONES; i++) assert.deepEqual(got[i], [{ host: '192.0.2.1', port: 10_000 + i }], `zone ${i}`);
  assert.equal(index.unwanted, 0);
});

test('a contact for an infohash no zone wants is counted and goes nowhere', () => {
  const index = new ContactIndex();
  const got: Endpoint[] = [];
  index.add(hashOf(1), (c) => got.push(c));
  assert.equal(index.dispatch(hashOf(2), { host: '192.0.2.1', port: 1 }), false);
  assert.equal(index.unwanted, 1);
  assert.deepEqual(got, []);
});

test('unregistering removes only that handler; the infohash goes when its last handler does', () => {
  const index = new ContactIndex();
  const a: number[] = [];
  const b: number[] = [];
  const offA = index.add(hashOf(7), (c) => a.push(c.port));
  const offB = index.add(hashOf(7).toUpperCase(), (c) => b.push(c.port));
  assert.equal(index.size, 1, 'two zones of one passphrase share an entry');
  index.dispatch(hashOf(7), { host: '192.0.2.1', port: 1 });
  offA();
  offA(); // idempotent
  index.dispatch(hashOf(7), { host: '192.0.2.1', port: 2 });
  assert.deepEqual(a, [1]);
  assert.deepEqual(b, [1, 2]);
  offB();
  assert.equal(index.size, 0);
  assert.equal(index.has(hashOf(7)), false);
  assert.deepEqual([...index.infohashes()], []);
});

test('a handler gets its own copy of the contact', () => {
  const index = new ContactIndex();
  const seen: Endpoint[] = [];
  index.add(hashOf(1), (c) => { seen.push(c); c.port = 0; });
  index.add(hashOf(1), (c) => seen.push(c));
  index.dispatch(hashOf(1), { host: '192.0.2.1', port: 5 });
  assert.equal(seen[1]?.port, 5);
});
