import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { Logger } from '../../log.js';
import { normalizeIp } from '../../net/address-class.js';
import type { Identity } from './session.js';
import type { ReplayCache } from './replay-cache.js';
import { listenerFinish, listenerRespond, type ListenerState } from './listener-handshake.js';
import type { HintIndex, HintSource } from './hint-index.js';
import { LEN3_HEAD_BYTES, MSG1_BYTES, decodeLen3, decodeMsg1 } from './wire.js';

/** Design 4.8 listener deadlines. msg1's own deadline is the listener's read deadline. */
export const V2_MSG3_TIMEOUT_MS = 5_000;
export const V2_LIFETIME_MS = 12_000;

export interface V2ListenerStats {
  v2Answered: number;
  v2Completed: number;
  v2Rejected: number;
  v2Replays: number;
  /** Members reached us at an address we do not attest (a NAT we do not know of, or a relay). */
  v2Unattested: number;
}

export function newV2ListenerStats(): V2ListenerStats {
  return { v2Answered: 0, v2Completed: 0, v2Rejected: 0, v2Replays: 0, v2Unattested: 0 };
}

/** One v2 zone on an auth port: its hint candidates (HintSource) and what it answers with. */
export interface V2ListenerContext extends HintSource {
  identity: Identity;
  appPort: number;
  /** The addresses this listener vouches for (1..16, canonical). */
  attested(): string[];
  /** Counters of connections whose hint matched this zone. */
  stats: V2ListenerStats;
  log: Logger;
  /** A dialer's msg3 verified: it knows the passphrase (source-relist.ts decides what to do). */
  onVerified?: (remote: string) => void;
}

/** What every v2 connection to one auth port shares, whichever zone its hint selects. */
export interface V2PortContext {
  /** The v2 zones on the port. */
  zones: HintIndex<V2ListenerContext>;
  /** Seen cr of the port (a cr is fresh per dialer, whatever the zone). */
  replay: ReplayCache;
  /** A connection dropped before its zone was known (malformed, trailing bytes, no zone). */
  onJunk(reason: string): void;
  log: Logger;
  msg3TimeoutMs?: number;
  lifetimeMs?: number;
  random?: (n: number) => Buffer;
}

/**
 * One v2 connection after the listener saw byte 0 = 0x00: exactly msg1, one write of msg2,
 * exactly msg3, close. The hint of msg1 selects the zone among those on the port (design 4.7).
 * Any failure destroys the socket and writes nothing (design 4.8), so a wrong passphrase, an
 * unknown zone and junk all look alike. Reasons go to the debug log only. `onCompleted` is called
 * once a valid msg3 was read (the listener counts every other ending against the source's network).
 */
export function serveV2(socket: net.Socket, first: Buffer, port: V2PortContext, clearMsg1Timer: () => void, onCompleted?: () => void): void {
  let buf = first;
  let session: { state: ListenerState; zone: V2ListenerContext } | null = null;
  /** Known once msg1's hint matched (before msg2, a replay or a bad point may still drop it). */
  let ctx: V2ListenerContext | null = null;
  let need = MSG1_BYTES;
  let msg3Timer: NodeJS.Timeout | undefined;
  const life = setTimeout(() => reject('lifetime'), port.lifetimeMs ?? V2_LIFETIME_MS);
  socket.once('close', () => { clearTimeout(life); clearTimeout(msg3Timer); });

  function reject(reason: string): void {
    if (ctx) {
      ctx.stats.v2Rejected++;
      ctx.log.debug({ remote: socket.remoteAddress, reason }, 'v2: handshake dropped');
    } else {
      port.onJunk(reason);
      port.log.debug({ remote: socket.remoteAddress, reason }, 'v2: handshake dropped');
    }
    socket.destroy();
  }

  function step(): void {
    if (socket.destroyed || buf.length < need) return;
    if (session === null) {
      clearMsg1Timer();
      // The dialer waits for msg2 before it sends msg3: anything beyond msg1 now is not a dialer.
      if (buf.length > MSG1_BYTES) { reject('trailing'); return; }
      const m = decodeMsg1(buf);
      if (!m) { reject('malformed'); return; }
      const match = port.zones.match(m);
      if (!match) { reject('no-zone'); return; }
      const zone = match.zone;
      ctx = zone;
      if (!port.replay.fresh(m.cr)) { zone.stats.v2Replays++; reject('replay'); return; }
      const r = listenerRespond(buf, match, {
        identity: zone.identity, appPort: zone.appPort, attested: zone.attested(), yb: (port.random ?? randomBytes)(32),
      });
      if (!r.ok) { reject(r.reason); return; }
      session = { state: r.state, zone };
      zone.stats.v2Answered++;
      socket.write(r.msg2);
      buf = Buffer.alloc(0);
      need = LEN3_HEAD_BYTES;
      msg3Timer = setTimeout(() => reject('msg3-timeout'), port.msg3TimeoutMs ?? V2_MSG3_TIMEOUT_MS);
      return;
    }
    if (need === LEN3_HEAD_BYTES) {
      const len3 = decodeLen3(buf.subarray(0, LEN3_HEAD_BYTES));
      if (len3 === null) { reject('malformed'); return; }
      need = LEN3_HEAD_BYTES + len3;
      if (buf.length < need) return;
    }
    if (buf.length !== need) { reject('trailing'); return; }
    const f = listenerFinish(session.state, buf);
    if (!f.ok) { reject(f.reason); return; }
    const zone = session.zone;
    zone.stats.v2Completed++;
    onCompleted?.();
    zone.onVerified?.(socket.remoteAddress ?? '');
    const dialedAs = normalizeIp(f.dialedAs);
    if (dialedAs === null || !zone.attested().includes(dialedAs)) {
      zone.stats.v2Unattested++;
      // Visible at warn: members will not export us under this address.
      zone.log.warn({ dialedAs: f.dialedAs, attested: zone.attested() },
        'v2: a member reached this listener at an address it does not attest (NAT without external_addresses, or a relay); members will not list this node under it');
    }
    socket.destroy();
  }

  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    if (buf.length > need + 1024) { reject('flood'); return; }
    step();
  });
  step();
}
