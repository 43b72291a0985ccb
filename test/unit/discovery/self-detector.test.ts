import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelfDetector } from '../../../src/discovery/self-detector.js';

test('our own connection is recognised whichever form each end reports its address in', () => {
  const self = new SelfDetector();
  self.noteSelfConnection('::ffff:127.0.0.1', 40001); // a dual-stack listener's view
  assert.equal(self.wasSelf('127.0.0.1', 40001), true);
  assert.equal(self.wasSelf('127.0.0.1', 40001), false, 'consumed once');
  self.noteSelfConnection('127.0.0.1', 40002);
  assert.equal(self.wasSelf('::ffff:127.0.0.1', 40002), true, 'and the other way round');
  self.noteSelfConnection('0:0::1', 40003);
  assert.equal(self.wasSelf('::1', 40003), true);
  self.noteSelfConnection('127.0.0.1', 40004);
  assert.equal(self.wasSelf('127.0.0.1', 40005), false, 'another port is another connection');
});
