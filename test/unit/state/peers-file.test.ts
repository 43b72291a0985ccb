import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePeersFile, encodePeersFile, type SavedZone } from '../../../src/state/peers-file.js';

const IH = 'ab'.repeat(20);
const zones = new Map<string, SavedZone>([['ldap', { infohash: IH, peers: [
  { host: '127.0.0.2', port: 389, authPort: 40001, verifiedAt: 1700000000000 },
  { host: '2001:db8::5', port: 636, authPort: 40002, verifiedAt: 1700000000001 },
] }]]);

test('what encode writes, decode reads back (through JSON)', () => {
  const d = decodePeersFile(JSON.parse(JSON.stringify(encodePeersFile(zones, 5))));
  assert.ok(d.ok);
  assert.deepEqual(d.zones, zones);
});

test('anything else is refused with a reason, never a throw', () => {
  const good = () => JSON.parse(JSON.stringify(encodePeersFile(zones, 5))) as { version: unknown; zones: Record<string, { infohash: unknown; peers: unknown[] }> };
  const bad: Array<[unknown, RegExp]> = [
    [null, /not a wherez peers file/], [[], /not a wherez peers file/], ['x', /not a wherez peers file/],
    [{ format: 'other', version: 1, zones: {} }, /not a wherez peers file/],
    [{ ...good(), version: 2 }, /version 2, this wherez reads 1/],
    [{ ...good(), zones: [] }, /no zones/],
  ];
  const mutate = (f: (z: { infohash: unknown; peers: unknown[] }) => void) => { const g = good(); f(g.zones.ldap!); return g; };
  bad.push([mutate((z) => { z.infohash = 'AB'.repeat(20); }), /malformed/]);
  bad.push([mutate((z) => { z.peers = {} as unknown[]; }), /malformed/]);
  for (const p of [{ host: '127.1', port: 1, authPort: 1, verifiedAt: 0 }, { host: 'example.com', port: 1, authPort: 1, verifiedAt: 0 },
    { host: '127.0.0.1', port: 0, authPort: 1, verifiedAt: 0 }, { host: '127.0.0.1', port: 1, authPort: 65536, verifiedAt: 0 },
    { host: '127.0.0.1', port: 1, authPort: 1, verifiedAt: -1 }, { host: '127.0.0.1', port: 1.5, authPort: 1, verifiedAt: 0 }, 7]) {
    bad.push([mutate((z) => { z.peers.push(p); }), /malformed peer/]);
  }
  bad.push([mutate((z) => { z.peers = Array.from({ length: 513 }, () => z.peers[0]); }), /more than 512 peers/]);
  for (const [v, why] of bad) {
    const d = decodePeersFile(v);
    assert.equal(d.ok, false, JSON.stringify(v).slice(0, 200));
    assert.match((d as { why: string }).why, why);
  }
});
