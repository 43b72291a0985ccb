import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIAL_BACK_MIN_INTERVAL_MS, RECENT_INBOUND_MS, RELIST_MIN_INTERVAL_MS, SOURCE_RETRY_BASE_MS, SOURCE_RETRY_MAX_MS, SourceRelist, type AuthEndpoint,
} from '../../../src/discovery/source-relist.js';

function setup() {
  let now = 1_000_000;
  const dialed: AuthEndpoint[] = [];
  const pendings: Array<() => boolean> = [];
  const stats = { relists: 0, dialBacks: 0, relistsHeldBack: 0 };
  const rechecked: string[] = [];
  let stale = 0;
  const r = new SourceRelist({
    now: () => now, jitter: 0, stats,
    dialBack: (e) => dialed.push(e),
    recheck: (ip) => { rechecked.push(ip); return stale; },
    relist: (pending) => pendings.push(pending),
  });
  return { r, dialed, pendings, stats, rechecked, advance: (ms: number) => { now += ms; }, setStale: (n: number) => { stale = n; } };
}

test('an unlisted source starts one relist; its pending check turns false for good once the source is listed', () => {
  const { r, pendings, stats } = setup();
  assert.equal(r.onInbound('10.0.0.2'), 'relist');
  assert.equal(stats.relists, 1);
  assert.equal(pendings.length, 1);
  assert.equal(pendings[0]!(), true);
  r.noteListed({ host: '10.0.0.2', authPort: 4001 });
  assert.equal(pendings[0]!(), false);
  assert.equal(r.onInbound('10.0.0.2'), 'listed', 'a listed source (routine re-verifications) costs nothing');
  assert.equal(stats.relists, 1);
  r.noteLost({ host: '10.0.0.2', authPort: 4001 });
  assert.equal(pendings[0]!(), false, 'a later loss is the business of a later relist');
});

test('IPv4-mapped and plain forms are one source; junk is ignored', () => {
  const { r, stats } = setup();
  r.noteListed({ host: '10.0.0.2', authPort: 4001 });
  assert.equal(r.onInbound('::ffff:10.0.0.2'), 'listed');
  assert.equal(r.onInbound(''), 'ignored');
  assert.equal(r.onInbound('not-an-ip'), 'ignored');
  assert.equal(stats.relists, 0);
});

test('a flood from many sources starts at most one relist per interval', () => {
  const { r, stats, advance } = setup();
  assert.equal(r.onInbound('10.0.0.1'), 'relist');
  for (let i = 2; i < 200; i++) assert.equal(r.onInbound(`10.0.${i >> 8}.${i & 255}`), 'held-back');
  assert.equal(stats.relists, 1);
  assert.equal(stats.relistsHeldBack, 198);
  advance(RELIST_MIN_INTERVAL_MS - 1);
  assert.equal(r.onInbound('10.1.0.1'), 'held-back');
  advance(1);
  assert.equal(r.onInbound('10.1.0.2'), 'relist');
  assert.equal(stats.relists, 2);
});

test('a source that stays unlisted (discover-only) asks again only after a doubling backoff', () => {
  const { r, stats, advance } = setup();
  assert.equal(r.onInbound('10.0.0.9'), 'relist');
  advance(SOURCE_RETRY_BASE_MS - 1);
  assert.equal(r.onInbound('10.0.0.9'), 'waiting');
  advance(1);
  assert.equal(r.onInbound('10.0.0.9'), 'relist');
  advance(SOURCE_RETRY_BASE_MS);
  assert.equal(r.onInbound('10.0.0.9'), 'waiting', 'the second wait is twice the first');
  advance(SOURCE_RETRY_BASE_MS);
  assert.equal(r.onInbound('10.0.0.9'), 'relist');
  for (let i = 0; i < 20; i++) { advance(SOURCE_RETRY_MAX_MS); r.onInbound('10.0.0.9'); }
  assert.equal(stats.relists, 3 + 20, 'capped at the max: one relist per max interval');
  // Listed once: the count is forgotten, and a later loss starts over.
  r.noteListed({ host: '10.0.0.9', authPort: 1 });
  r.noteLost({ host: '10.0.0.9', authPort: 1 });
  advance(RELIST_MIN_INTERVAL_MS);
  assert.equal(r.onInbound('10.0.0.9'), 'dial-back+relist');
  advance(SOURCE_RETRY_BASE_MS + DIAL_BACK_MIN_INTERVAL_MS);
  assert.equal(r.onInbound('10.0.0.9'), 'relist', 'the backoff starts over at its base (the lost port was dialled back once)');
});

test('a lost endpoint is dialled back once when its IP connects, at most once per interval per IP', () => {
  const { r, dialed, stats, advance } = setup();
  r.noteListed({ host: '10.0.0.3', authPort: 4001 });
  r.noteListed({ host: '10.0.0.3', authPort: 4002 });
  r.noteLost({ host: '10.0.0.3', authPort: 4001 });
  r.noteLost({ host: '10.0.0.3', authPort: 4002 });
  // The budget of the IP was not spent by the losses.
  assert.equal(r.onInbound('10.0.0.3'), 'dial-back+relist');
  assert.deepEqual(dialed.map((e) => e.authPort), [4001, 4002]);
  assert.equal(stats.dialBacks, 2);
  r.noteLost({ host: '10.0.0.3', authPort: 4003 });
  assert.equal(stats.relists, 2, 'a loss right after a dial relists, on a budget of its own');
  assert.equal(r.onInbound('10.0.0.3'), 'held-back', 'the dial-back budget of the IP is spent');
  assert.equal(stats.relistsHeldBack, 1);
  advance(DIAL_BACK_MIN_INTERVAL_MS);
  assert.equal(r.onInbound('10.0.0.3'), 'dial-back', 'only the new loss: the others were dialled back once');
  assert.deepEqual(dialed.map((e) => e.authPort), [4001, 4002, 4003]);
  advance(DIAL_BACK_MIN_INTERVAL_MS);
  assert.equal(r.onInbound('10.0.0.3'), 'waiting', 'nothing left to dial back; the relist backs off');
  assert.equal(dialed.length, 3);
});

test('a source whose only endpoint was lost is dialled back and relisted (it may have a new port)', () => {
  const { r, dialed, pendings, stats } = setup();
  r.noteListed({ host: '10.0.0.4', authPort: 4001 });
  r.noteLost({ host: '10.0.0.4', authPort: 4001 });
  assert.equal(r.onInbound('10.0.0.4'), 'dial-back+relist');
  assert.equal(dialed.length, 1);
  assert.equal(stats.relists, 1);
  r.noteListed({ host: '10.0.0.4', authPort: 4999 });
  assert.equal(pendings[0]!(), false, 'listed under its new port');
});

test('lost endpoints per IP are bounded (the oldest is forgotten)', () => {
  const { r, dialed } = setup();
  for (let p = 1; p <= 40; p++) r.noteLost({ host: '10.0.0.5', authPort: p });
  assert.equal(r.onInbound('10.0.0.5'), 'dial-back+relist');
  assert.equal(dialed.length, 16);
  assert.deepEqual(dialed.map((e) => e.authPort), Array.from({ length: 16 }, (_, i) => 25 + i));
});

test('a listed IP that dials us gets its stale endpoints rechecked, at most once per interval', () => {
  const { r, rechecked, stats, advance, setStale } = setup();
  r.noteListed({ host: '10.0.0.6', authPort: 4001 });
  assert.equal(r.onInbound('10.0.0.6'), 'listed', 'nothing stale: nothing dialled');
  assert.deepEqual(rechecked, ['10.0.0.6']);
  setStale(1);
  advance(DIAL_BACK_MIN_INTERVAL_MS);
  assert.equal(r.onInbound('::ffff:10.0.0.6'), 'dial-back');
  assert.equal(stats.dialBacks, 1);
  assert.equal(r.onInbound('10.0.0.6'), 'listed', 'within the interval: not even asked');
  assert.equal(rechecked.length, 2);
  assert.equal(stats.relistsHeldBack, 0, 'routine dials of a listed sibling are no news');
});

test('the last endpoint of an IP lost soon after that IP dialled us relists at once (it is back on another port)', () => {
  const { r, pendings, stats, advance } = setup();
  r.noteListed({ host: '10.0.0.7', authPort: 4001 });
  r.onInbound('10.0.0.7');
  advance(1_000);
  r.noteLost({ host: '10.0.0.7', authPort: 4001 });
  assert.equal(stats.relists, 1);
  assert.equal(pendings.length, 1);
  // The peer was simply gone: when it comes back and dials, that relist is neither backed off nor
  // held back by the relist at its loss (the dial-back is: the IP's routine dial spent its budget).
  assert.equal(r.onInbound('10.0.0.7'), 'relist');
  assert.equal(pendings[0]!(), false, 'the newer relist supersedes the one after the loss');
  // Lost long after its IP last dialled us: a peer gone, not one back.
  r.noteListed({ host: '10.0.0.8', authPort: 4001 });
  r.onInbound('10.0.0.8');
  advance(RECENT_INBOUND_MS);
  r.noteLost({ host: '10.0.0.8', authPort: 4001 });
  assert.equal(stats.relists, 2);
  // Another endpoint of the IP still listed: no relist either.
  r.noteListed({ host: '10.0.0.9', authPort: 1 });
  r.noteListed({ host: '10.0.0.9', authPort: 2 });
  r.onInbound('10.0.0.9');
  r.noteLost({ host: '10.0.0.9', authPort: 1 });
  assert.equal(stats.relists, 2);
});
