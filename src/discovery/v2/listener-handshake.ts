import { timingSafeEqual } from 'node:crypto';
import { calculateGenerator, iskIr, scalarMultVfy } from './cpace.js';
import { fromWireAddress, toWireAddress, type WireAddress } from './address.js';
import { zoneHint } from './keys.js';
import {
  DIALER_SIG_LABEL, LISTENER_SIG_LABEL, channelId, open, seal, sessionKeys, sha256, signWith, verifySig,
  type Identity,
} from './session.js';
import {
  AEAD_TAG_BYTES, LEN2_MIN, LEN3_HEAD_BYTES, LEN_MAX, SIGNATURE_BYTES, decodeClientInfo, decodeLen3, decodeMsg1,
  encodeServerInfo, msg1Ad, u16, type Extension, type Msg1,
} from './wire.js';

/**
 * The listener's side of a v2 handshake as pure steps: match() finds the one zone and epoch whose
 * hint fits (section 4.7), respond() builds msg2, finish() checks msg3. Every failure is a typed
 * result the socket edge turns into "close, write nothing".
 */
export interface ZoneEpoch<Z> { zone: Z; prs: Buffer; epoch: number; hintKey: Buffer }

/**
 * Checks every candidate without an early exit, so timing does not tell which zone or epoch
 * matched; exactly one match or null (two zones sharing a passphrase are ambiguous: refuse).
 */
export function matchHint<Z>(msg1: Msg1, candidates: readonly ZoneEpoch<Z>[]): ZoneEpoch<Z> | null {
  let found: ZoneEpoch<Z> | null = null;
  let count = 0;
  for (const c of candidates) {
    if (timingSafeEqual(zoneHint(c.hintKey, msg1.cr), msg1.hint)) { found = c; count++; }
  }
  return count === 1 ? found : null;
}

export interface ListenerInput {
  identity: Identity;
  appPort: number;
  /** Attested addresses (1..16), canonical text. */
  attested: readonly string[];
  extensions?: readonly Extension[];
  /** 32 fresh random bytes. */
  yb: Buffer;
}

export interface ListenerState {
  readonly msg1: Buffer; readonly msg2: Buffer; readonly cr: Buffer; readonly kD: Buffer; readonly ownId: Buffer;
}

export type ListenerFailure = 'malformed' | 'no-zone' | 'invalid-point' | 'aead' | 'signature' | 'self';

export interface ListenerTrace { K?: Buffer; isk?: Buffer; kL?: Buffer; kD?: Buffer; th2?: Buffer; th3?: Buffer }

export function listenerRespond<Z>(
  msg1Bytes: Buffer, match: ZoneEpoch<Z>, i: ListenerInput, trace: ListenerTrace = {},
): { ok: true; msg2: Buffer; state: ListenerState } | { ok: false; reason: ListenerFailure } {
  const m = decodeMsg1(msg1Bytes);
  if (!m) return { ok: false, reason: 'malformed' };
  const g = calculateGenerator(match.prs, channelId(match.epoch), m.cr);
  const Yb = scalarMultVfy(i.yb, g);
  const K = Yb && scalarMultVfy(i.yb, m.ya);
  if (!Yb || !K) return { ok: false, reason: 'invalid-point' };
  const isk = iskIr(m.cr, K, m.ya, msg1Ad(msg1Bytes), Yb, Buffer.alloc(0));
  const keys = sessionKeys(isk, m.cr);
  const addresses = i.attested.map(toWireAddress).filter((a): a is WireAddress => a !== null);
  const unsigned = { appPort: i.appPort, listenerId: i.identity.publicKey, signature: Buffer.alloc(SIGNATURE_BYTES), addresses, extensions: [...(i.extensions ?? [])] };
  const len2 = encodeServerInfo(unsigned).length + AEAD_TAG_BYTES;
  if (len2 < LEN2_MIN || len2 > LEN_MAX) throw new RangeError('ServerInfo does not fit msg2 (too many extensions)');
  const th2 = sha256(msg1Bytes, Yb, u16(len2));
  const info = encodeServerInfo({ ...unsigned, signature: signWith(i.identity, LISTENER_SIG_LABEL, th2) });
  const msg2 = Buffer.concat([Yb, u16(len2), seal(keys.kL, th2, info)]);
  Object.assign(trace, { K, isk, kL: keys.kL, kD: keys.kD, th2 });
  return { ok: true, msg2, state: { msg1: msg1Bytes, msg2, cr: m.cr, kD: keys.kD, ownId: i.identity.publicKey } };
}

/** The length prefix of msg3, or null when out of range. */
export function msg3Length(head: Buffer): number | null {
  return decodeLen3(head);
}

export function listenerFinish(
  s: ListenerState, msg3: Buffer, trace: ListenerTrace = {},
): { ok: true; dialerId: Buffer; dialedAs: string } | { ok: false; reason: ListenerFailure } {
  const len3 = decodeLen3(msg3.subarray(0, LEN3_HEAD_BYTES));
  if (len3 === null || msg3.length !== LEN3_HEAD_BYTES + len3) return { ok: false, reason: 'malformed' };
  const th3 = sha256(s.msg1, s.msg2, u16(len3));
  trace.th3 = th3;
  const plain = open(s.kD, th3, msg3.subarray(LEN3_HEAD_BYTES));
  if (!plain) return { ok: false, reason: 'aead' };
  const info = decodeClientInfo(plain);
  if (!info) return { ok: false, reason: 'malformed' };
  if (!verifySig(info.dialerId, DIALER_SIG_LABEL, th3, info.signature)) return { ok: false, reason: 'signature' };
  if (info.dialerId.equals(s.ownId)) return { ok: false, reason: 'self' };
  // Informational only: a relayer's address looks exactly like a NAT, so it is never attested from this.
  return { ok: true, dialerId: info.dialerId, dialedAs: fromWireAddress(info.dialed) };
}
