import { calculateGenerator, iskIr, scalarMultVfy } from './cpace.js';
import { fromWireAddress, toWireAddress } from './address.js';
import { normalizeIp } from '../../net/address-class.js';
import { zoneHint } from './keys.js';
import {
  DIALER_SIG_LABEL, LISTENER_SIG_LABEL, channelId, open, seal, sessionKeys, sha256, signWith, verifySig,
  type Identity,
} from './session.js';
import {
  LEN3_MIN, LEN_MAX, MSG2_HEAD_BYTES, SIGNATURE_BYTES, decodeMsg2Head, decodeServerInfo, encodeClientInfo,
  encodeMsg1, msg1Ad, sshfpOf, u16, type Sshfp,
} from './wire.js';

/**
 * The dialer's side of a v2 handshake as two pure steps: start() builds msg1, finish() takes the
 * whole msg2 and decides (design section 4.6). Randomness (cr, ya) comes in as arguments so the
 * vectors in test/fixtures are reproducible.
 */
export interface DialerInput {
  prs: Buffer;
  epoch: number;
  hintKey: Buffer;
  /** 32 fresh random bytes each. */
  cr: Buffer;
  ya: Buffer;
}

export interface DialerState {
  readonly prs: Buffer; readonly epoch: number; readonly cr: Buffer;
  readonly ya: Buffer; readonly Ya: Buffer; readonly msg1: Buffer;
}

export function dialerStart(i: DialerInput): { msg1: Buffer; state: DialerState } | null {
  const g = calculateGenerator(i.prs, channelId(i.epoch), i.cr);
  const Ya = scalarMultVfy(i.ya, g);
  if (!Ya) return null;
  const msg1 = encodeMsg1({ cr: i.cr, hint: zoneHint(i.hintKey, i.cr), ya: Ya });
  return { msg1, state: { prs: i.prs, epoch: i.epoch, cr: i.cr, ya: i.ya, Ya, msg1 } };
}

export interface DialerContext {
  identity: Identity;
  /** Every identity key of this node (all zones): a listener using one of them is ourselves. */
  ownIds: readonly Buffer[];
  /** The IP address we dialed (as we dialed it). */
  dialed: string;
}

export type DialerFailure = 'malformed' | 'reflection' | 'invalid-point' | 'aead' | 'signature' | 'self';

export interface ListenerFacts {
  appPort: number;
  listenerId: Buffer;
  attested: string[];
  sshfp: Sshfp[];
}

export type DialerResult =
  | { ok: false; reason: DialerFailure }
  /** msg3 is sent in every ok case; `exported` false says why the peer must not be served. */
  | { ok: true; msg3: Buffer; listener: ListenerFacts; exported: true }
  | { ok: true; msg3: Buffer; listener: ListenerFacts; exported: false; reason: 'unattested' | 'port-zero' };

/** Intermediates, for the fixture vectors only. */
export interface DialerTrace { K?: Buffer; isk?: Buffer; kL?: Buffer; kD?: Buffer; th2?: Buffer; th3?: Buffer }

export function dialerFinish(s: DialerState, msg2: Buffer, ctx: DialerContext, trace: DialerTrace = {}): DialerResult {
  const head = decodeMsg2Head(msg2.subarray(0, MSG2_HEAD_BYTES));
  if (!head || msg2.length !== MSG2_HEAD_BYTES + head.len2) return { ok: false, reason: 'malformed' };
  // A reflected share would make both ends one party; CPace's roles already stop it, refuse it anyway.
  if (head.yb.equals(s.Ya)) return { ok: false, reason: 'reflection' };
  const K = scalarMultVfy(s.ya, head.yb);
  if (!K) return { ok: false, reason: 'invalid-point' };
  const isk = iskIr(s.cr, K, s.Ya, msg1Ad(s.msg1), head.yb, Buffer.alloc(0));
  const keys = sessionKeys(isk, s.cr);
  const th2 = sha256(s.msg1, head.yb, u16(head.len2));
  Object.assign(trace, { K, isk, kL: keys.kL, kD: keys.kD, th2 });
  const plain = open(keys.kL, th2, msg2.subarray(MSG2_HEAD_BYTES));
  if (!plain) return { ok: false, reason: 'aead' };
  const info = decodeServerInfo(plain);
  if (!info) return { ok: false, reason: 'malformed' };
  if (!verifySig(info.listenerId, LISTENER_SIG_LABEL, th2, info.signature)) return { ok: false, reason: 'signature' };
  if (ctx.ownIds.some((id) => id.equals(info.listenerId))) return { ok: false, reason: 'self' };

  const dialedWire = toWireAddress(ctx.dialed) ?? { family: 4 as const, bytes: Buffer.alloc(4) };
  const placeholder = encodeClientInfo({ dialerId: ctx.identity.publicKey, signature: Buffer.alloc(SIGNATURE_BYTES), dialed: dialedWire, extensions: [] });
  const len3 = placeholder.length + 16;
  if (len3 < LEN3_MIN || len3 > LEN_MAX) return { ok: false, reason: 'malformed' };
  const th3 = sha256(s.msg1, msg2, u16(len3));
  trace.th3 = th3;
  const clientInfo = encodeClientInfo({
    dialerId: ctx.identity.publicKey, signature: signWith(ctx.identity, DIALER_SIG_LABEL, th3), dialed: dialedWire, extensions: [],
  });
  const msg3 = Buffer.concat([u16(len3), seal(keys.kD, th3, clientInfo)]);

  const listener: ListenerFacts = {
    appPort: info.appPort,
    listenerId: info.listenerId,
    attested: info.addresses.map(fromWireAddress),
    sshfp: sshfpOf(info.extensions),
  };
  const dialed = normalizeIp(ctx.dialed);
  if (dialed === null || !listener.attested.includes(dialed)) return { ok: true, msg3, listener, exported: false, reason: 'unattested' };
  if (info.appPort === 0) return { ok: true, msg3, listener, exported: false, reason: 'port-zero' };
  return { ok: true, msg3, listener, exported: true };
}
