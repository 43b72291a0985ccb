import { calculateGenerator } from '../../src/discovery/v2/cpace.js';
import { base32 } from '../../src/discovery/v2/base32.js';
import { epochKeys, passwordBytes, rendezvousKey, zoneHint } from '../../src/discovery/v2/keys.js';
import { channelId, identityFromSeed } from '../../src/discovery/v2/session.js';
import { dialerFinish, dialerStart, type DialerTrace } from '../../src/discovery/v2/dialer-handshake.js';
import {
  listenerFinish, listenerRespond, matchHint, type ListenerTrace,
} from '../../src/discovery/v2/listener-handshake.js';
import { decodeMsg1, sshfpExtension } from '../../src/discovery/v2/wire.js';

/**
 * Full v2 handshakes with fixed randomness (design section 5, item 4). The generator
 * (scripts/gen-v2-vectors.ts) writes test/fixtures/wherez-v2-handshake-vectors.json from these; the
 * unit test recomputes every case and compares byte for byte, so a change to any step shows up.
 */
export interface VectorCase {
  name: string;
  passphrase: string;
  epoch: number;
  cr: string; ya: string; yb: string;
  /** RFC 8032 seeds of the two identities. */
  listenerSeed: string; dialerSeed: string;
  appPort: number;
  attested: string[];
  dialed: string;
  sshfp?: { algorithm: number; fpType: number; fingerprint: string };
}

export const VECTOR_CASES: VectorCase[] = [
  {
    name: 'ipv4, two attested addresses, no extensions',
    passphrase: 'correct horse battery staple', epoch: 20000,
    cr: '01'.repeat(32), ya: '02'.repeat(32), yb: '03'.repeat(32),
    // RFC 8032 section 7.1 test 1 and test 2 secret keys
    listenerSeed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    dialerSeed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    appPort: 389, attested: ['192.0.2.10', '198.51.100.7'], dialed: '198.51.100.7',
  },
  {
    name: 'ipv6 dialed as IPv4-mapped peer list, SSHFP extension',
    passphrase: 'Z\u00fcrich', epoch: 20001,
    cr: 'a5'.repeat(32), ya: '5a'.repeat(32), yb: 'c3'.repeat(32),
    listenerSeed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    dialerSeed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    appPort: 22, attested: ['2001:db8::1', '192.0.2.44'], dialed: '2001:db8:0:0::1',
    sshfp: { algorithm: 4, fpType: 2, fingerprint: '11'.repeat(32) },
  },
];

const hex = (b: Buffer | undefined) => (b ? b.toString('hex') : '');

export async function computeVector(c: VectorCase): Promise<Record<string, unknown>> {
  const prs = passwordBytes(c.passphrase)!;
  const keys = epochKeys(await rendezvousKey(prs, c.epoch), c.epoch);
  const L = identityFromSeed(Buffer.from(c.listenerSeed, 'hex'));
  const D = identityFromSeed(Buffer.from(c.dialerSeed, 'hex'));
  const cr = Buffer.from(c.cr, 'hex');
  const started = dialerStart({ prs, epoch: c.epoch, hintKey: keys.hintKey, cr, ya: Buffer.from(c.ya, 'hex') })!;
  const match = matchHint(decodeMsg1(started.msg1)!, [{ zone: 'z', prs, epoch: c.epoch, hintKey: keys.hintKey }])!;
  const lt: ListenerTrace = {};
  const extensions = c.sshfp ? [sshfpExtension({ ...c.sshfp, fingerprint: Buffer.from(c.sshfp.fingerprint, 'hex') })] : [];
  const r = listenerRespond(started.msg1, match, { identity: L, appPort: c.appPort, attested: c.attested, extensions, yb: Buffer.from(c.yb, 'hex') }, lt);
  if (!r.ok) throw new Error(`listener failed: ${r.reason}`);
  const dt: DialerTrace = {};
  const d = dialerFinish(started.state, r.msg2, { identity: D, ownIds: [D.publicKey], dialed: c.dialed }, dt);
  if (!d.ok) throw new Error(`dialer failed: ${d.reason}`);
  const f = listenerFinish(r.state, d.msg3, lt);
  if (!f.ok) throw new Error(`listener finish failed: ${f.reason}`);
  return {
    name: c.name,
    infohash: hex(keys.infohash), hint_key: hex(keys.hintKey), hint: hex(zoneHint(keys.hintKey, cr)),
    CI: hex(channelId(c.epoch)), g: hex(calculateGenerator(prs, channelId(c.epoch), cr)),
    Ya: hex(started.state.Ya), Yb: hex(r.msg2.subarray(0, 32)), K: hex(dt.K), ISK: hex(dt.isk),
    k_L: hex(dt.kL), k_D: hex(dt.kD), TH2: hex(dt.th2), TH3: hex(dt.th3),
    L_id: hex(L.publicKey), D_id: hex(D.publicKey),
    msg1: hex(started.msg1), msg2: hex(r.msg2), msg3: hex(d.msg3),
    expected: {
      exported: d.exported,
      A: d.listener.attested.includes(c.dialed) || d.exported ? c.dialed : null,
      SRV_port: d.listener.appPort,
      TXT: `wz2-id=${base32(d.listener.listenerId)}`,
      listener_saw_dialer: hex(f.dialerId), listener_saw_dialed_as: f.dialedAs,
    },
  };
}
