import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREFIX_LIMITS, PrefixLimits, prefixOf } from '../../../src/net/prefix-limits.js';
import { TokenBuckets } from '../../../src/net/token-buckets.js';

const MIN = 60_000;

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

test('the design 4.8 defaults: 30 handshakes a minute, 10 failures in 10 min ban for 10 min', () => {
  assert.equal(DEFAULT_PREFIX_LIMITS.handshakesPerMinute, 30);
  assert.equal(DEFAULT_PREFIX_LIMITS.banAfterFailures, 10);
  assert.equal(DEFAULT_PREFIX_LIMITS.failureWindowMs, 10 * MIN);
  assert.equal(DEFAULT_PREFIX_LIMITS.banMs, 10 * MIN);
});

test('sources count by /24 (IPv4) and /56 (IPv6); IPv4-mapped is IPv4; junk stays itself', () => {
  assert.equal(prefixOf('10.1.2.3'), '10.1.2.0/24');
  assert.equal(prefixOf('::ffff:10.1.2.200'), '10.1.2.0/24');
  assert.equal(prefixOf('2001:db8:0:ab12::1'), '2001:db8:0:ab00::/56');
  assert.equal(prefixOf('not an ip'), 'not an ip');
});

test('token bucket: 30 handshakes per /24 at once, then one every 2 s; another /24 has its own', () => {
  const c = clock();
  const p = new PrefixLimits({}, c.now);
  for (let i = 0; i < 30; i++) assert.equal(p.takeHandshake(`10.0.0.${i + 1}`), true, `handshake ${i}`);
  assert.equal(p.takeHandshake('10.0.0.99'), false, 'the whole /24 shares one bucket');
  assert.equal(p.takeHandshake('10.0.1.1'), true, 'another /24');
  c.advance(1_999);
  assert.equal(p.takeHandshake('10.0.0.1'), false);
  c.advance(1);
  assert.equal(p.takeHandshake('10.0.0.1'), true, '30 a minute: one token every 2 s');
  assert.equal(p.takeHandshake('10.0.0.1'), false);
  c.advance(60 * MIN);
  let n = 0;
  while (p.takeHandshake('10.0.0.1')) n++;
  assert.equal(n, 30, 'refills up to the burst, not beyond');
});

test('10 failures within 10 min ban the /24 for 10 min; failures spread wider do not', () => {
  const c = clock();
  const p = new PrefixLimits({}, c.now);
  for (let i = 0; i < 9; i++) { assert.equal(p.failure('10.0.0.1'), null); c.advance(MIN); }
  c.advance(MIN + 1); // the first failure is now more than 10 min old
  assert.equal(p.failure('10.0.0.2'), null, 'only 9 within the window');
  assert.equal(p.isBanned('10.0.0.1'), false);
  assert.deepEqual(p.failure('10.0.0.3'), { prefix: '10.0.0.0/24', ms: 10 * MIN, strike: 1 });
  assert.equal(p.isBanned('10.0.0.200'), true, 'the whole /24');
  assert.equal(p.isBanned('10.0.1.1'), false, 'not its neighbours');
  assert.equal(p.failure('10.0.0.1'), null, 'failures during a ban do not extend it');
  c.advance(10 * MIN - 1);
  assert.equal(p.isBanned('10.0.0.1'), true);
  c.advance(1);
  assert.equal(p.isBanned('10.0.0.1'), false, 'the ban ends on time');
});

test('each further ban doubles, up to the cap; a network quiet long enough starts again', () => {
  const c = clock();
  const p = new PrefixLimits({ banAfterFailures: 2, banMs: 1_000, maxBanMs: 4_000, forgetBansAfterMs: 60_000 }, c.now);
  const ban = () => { p.failure('2001:db8::1'); return p.failure('2001:db8::2'); };
  const strikes = [];
  for (let i = 0; i < 4; i++) {
    const b = ban();
    assert.ok(b);
    strikes.push([b.strike, b.ms]);
    c.advance(b.ms);
  }
  assert.deepEqual(strikes, [[1, 1_000], [2, 2_000], [3, 4_000], [4, 4_000]]);
  c.advance(60_000);
  assert.deepEqual(ban(), { prefix: '2001:db8::/56', ms: 1_000, strike: 1 });
});

test('an address that completed a handshake is a member for provenMs after its last one', () => {
  const c = clock();
  const p = new PrefixLimits({ provenMs: 60 * MIN }, c.now);
  assert.equal(p.isProven('10.0.0.1'), false);
  p.proven('::ffff:10.0.0.1');
  assert.equal(p.isProven('10.0.0.1'), true, 'IPv4-mapped is the same address');
  assert.equal(p.isProven('10.0.0.2'), false, 'per address, not per network');
  c.advance(60 * MIN - 1);
  assert.equal(p.isProven('10.0.0.1'), true);
  p.proven('10.0.0.1');
  c.advance(60 * MIN - 1);
  assert.equal(p.isProven('10.0.0.1'), true, 'each handshake renews it');
  c.advance(1);
  assert.equal(p.isProven('10.0.0.1'), false);
});

test('memory is bounded: a flood from more networks than maxPrefixes keeps at most maxPrefixes', () => {
  const c = clock();
  const p = new PrefixLimits({ maxPrefixes: 100 }, c.now);
  for (let i = 0; i < 10_000; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.1`;
    p.takeHandshake(ip);
    p.failure(ip);
    p.proven(ip);
  }
  assert.deepEqual(p.size, { buckets: 100, records: 100, members: 100 });
});

test('token buckets: a clock going backwards adds no tokens', () => {
  let t = 10_000;
  const b = new TokenBuckets({ perSecond: 1, burst: 1, maxKeys: 10 }, () => t);
  assert.equal(b.take('k'), true);
  t -= 5_000;
  assert.equal(b.take('k'), false);
  t += 1_000;
  assert.equal(b.take('k'), true);
});
