import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, scryptSync } from 'node:crypto';
import {
  EPOCH_SECONDS, epochAt, epochKeys, epochSalt, passwordBytes, rendezvousKey, zoneHint,
} from '../../../../src/discovery/v2/keys.js';

const STAPLE = 'correct horse battery staple';

test('section 4.2 seeds: "correct horse battery staple" at epochs 20000 and 20001', async () => {
  const prs = passwordBytes(STAPLE)!;
  const rk0 = await rendezvousKey(prs, 20000);
  // The design abbreviates RK as 29ab7614…7513548f; its last 8 digits are a transcription slip
  // (the full key ends …879513548f): both infohashes below, derived from RK, match the design.
  assert.equal(rk0.toString('hex'), '29ab7614a28c24f1f0a244630653154a11f0711ca10168f547e9ff879513548f');
  assert.equal(epochKeys(rk0, 20000).infohash.toString('hex'), '574c6e8fa589ea63b50bfe96c353cc9de10b962f');
  const rk1 = await rendezvousKey(prs, 20001);
  assert.equal(epochKeys(rk1, 20001).infohash.toString('hex'), 'ae0fd4047a46de1fc1fc21ed5649f426fb4e5e68');
});

test('section 4.2 seeds: NFC and NFD "Zürich" are one secret', async () => {
  const nfc = 'Z\u00fcrich';
  const nfd = 'Zu\u0308rich';
  assert.notEqual(nfc, nfd);
  assert.deepEqual(passwordBytes(nfd), passwordBytes(nfc));
  assert.deepEqual(passwordBytes(Buffer.from(nfd, 'utf8')), passwordBytes(nfc));
  const ih = epochKeys(await rendezvousKey(passwordBytes(Buffer.from(nfd, 'utf8'))!, 20000), 20000).infohash;
  assert.equal(ih.toString('hex'), '2acb227c29383b778af364598aec228cce11e3fc');
});

test('the key schedule is exactly section 4.2 (independent recomputation with scryptSync + HMAC)', () => {
  const prs = Buffer.from('x'.repeat(129), 'utf8'); // > 128 bytes
  const salt = Buffer.concat([Buffer.from('wherez-v2 rendezvous'), Buffer.from([0, 0, 0x4e, 0x20])]);
  assert.deepEqual(epochSalt(20000), salt);
  const rk = scryptSync(prs, salt, 32, { N: 2 ** 17, r: 8, p: 4, maxmem: 256 * 1024 * 1024 });
  const k = epochKeys(rk, 20000);
  assert.deepEqual(k.infohash, createHmac('sha256', rk).update('wherez-v2 infohash').digest().subarray(0, 20));
  assert.deepEqual(k.hintKey, createHmac('sha256', rk).update('wherez-v2 hint key').digest());
  const cr = Buffer.alloc(32, 7);
  assert.deepEqual(zoneHint(k.hintKey, cr),
    createHmac('sha256', k.hintKey).update(Buffer.concat([Buffer.from('wz2 hint'), cr])).digest().subarray(0, 16));
});

test('passphrase bytes: empty and > 1024 bytes rejected, non-UTF-8 bytes kept as they are', () => {
  assert.equal(passwordBytes(''), null);
  assert.equal(passwordBytes(Buffer.alloc(0)), null);
  assert.equal(passwordBytes('a'.repeat(1025)), null);
  assert.equal(passwordBytes('a'.repeat(1024))?.length, 1024);
  assert.deepEqual(passwordBytes(Buffer.from([0xff, 0xfe, 0x00])), Buffer.from([0xff, 0xfe, 0x00]));
});

test('epochs: the UTC day number, switching exactly at midnight', () => {
  const e = 20000;
  assert.equal(epochAt(e * EPOCH_SECONDS * 1000 - 1), e - 1);
  assert.equal(epochAt(e * EPOCH_SECONDS * 1000), e);
  assert.equal(epochAt((e + 1) * EPOCH_SECONDS * 1000 - 1), e);
});
