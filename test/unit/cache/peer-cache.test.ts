import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerCache } from '../../../src/cache/peer-cache.js';
import { query } from '../../helpers/dns-client.js';
import { makeResponder } from '../../helpers/dns-responder.js';
import { MemoryZones, NOW } from '../../helpers/dns-zones.js';

const peer = (host: string, port: number, authPort = 40000) => ({ host, port, authPort, verifiedAt: 0 });

test('snapshots list verified peers in a stable order and change version on every change', () => {
  const c = new PeerCache();
  c.addZone('ldap', 30);
  assert.equal(c.lookup('nope'), undefined);
  const empty = c.lookup('ldap');
  assert.deepEqual(empty?.peers, []);
  c.upsert('ldap', peer('127.0.0.3', 389), 1000);
  c.upsert('ldap', peer('127.0.0.2', 389), 2000);
  const s1 = c.lookup('ldap')!;
  assert.deepEqual(s1.peers.map((p) => p.host), ['127.0.0.2', '127.0.0.3']);
  assert.ok(s1.version > empty!.version);
  assert.equal(c.lookup('ldap'), s1, 'unchanged zone: the same snapshot object');
  c.upsert('ldap', peer('127.0.0.2', 389), 5000);
  const s2 = c.lookup('ldap')!;
  assert.equal(s2.peers.find((p) => p.host === '127.0.0.2')?.expiresAt, 5000);
  c.remove('ldap', peer('127.0.0.3', 389));
  assert.deepEqual(c.lookup('ldap')!.peers.map((p) => p.host), ['127.0.0.2']);
  assert.ok(Object.isFrozen(c.lookup('ldap')!.peers));
});

test('stale zones keep their peers and say so', () => {
  const c = new PeerCache();
  c.addZone('ldap', 300);
  c.upsert('ldap', peer('127.0.0.2', 389), 1000);
  c.setStale('ldap', true);
  const s = c.lookup('ldap')!;
  assert.equal(s.stale, true);
  assert.equal(s.peers.length, 1);
  const v = s.version;
  c.setStale('ldap', false);
  assert.equal(c.lookup('ldap')!.stale, false);
  assert.ok(c.lookup('ldap')!.version > v);
});

test('a zone holds at most its bound of peers', () => {
  const c = new PeerCache(3);
  c.addZone('x', 30);
  for (let i = 1; i <= 5; i++) c.upsert('x', peer(`127.0.0.${i}`, 80), 0);
  assert.equal(c.lookup('x')!.peers.length, 3);
});

test('a zone removed and added again never reuses a snapshot version (the built-reply cache keys on it)', async () => {
  const c = new PeerCache();
  const { ask } = makeResponder(new MemoryZones(), { lookup: c.lookup, labels: () => c.labels() });
  c.addZone('ldap', 30);
  c.upsert('ldap', peer('10.0.0.1', 389), NOW + 30_000);
  const before = c.lookup('ldap')!.version;
  assert.deepEqual((await ask(query('_ldap._wherez.local', 'A'))).p.answers?.map((a) => (a as { data: string }).data), ['10.0.0.1']);
  c.removeZone('ldap');
  c.addZone('ldap', 30);
  c.upsert('ldap', peer('10.0.0.2', 389), NOW + 30_000);
  assert.notEqual(c.lookup('ldap')!.version, before);
  // Same clock, so a reply built for the removed zone would still be fresh in the reply cache.
  assert.deepEqual((await ask(query('_ldap._wherez.local', 'A'))).p.answers?.map((a) => (a as { data: string }).data), ['10.0.0.2']);
});
