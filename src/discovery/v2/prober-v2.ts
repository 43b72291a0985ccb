import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { dialerFinish, dialerStart, type DialerFailure, type ListenerFacts } from './dialer-handshake.js';
import type { Identity } from './session.js';
import { MSG2_HEAD_BYTES, decodeMsg2Head } from './wire.js';

export type ProbeV2Failure =
  | 'refused' | 'unreachable' | 'connect-timeout' | 'read-timeout' | 'reset' | 'no-response' | 'short' | 'aborted' | 'error'
  | DialerFailure | 'unattested' | 'port-zero';

export type ProbeV2Result =
  | { ok: true; port: number; listener: ListenerFacts }
  | { ok: false; reason: ProbeV2Failure; listener?: ListenerFacts };

export interface ProbeV2Options {
  host: string;
  port: number;
  prs: Buffer;
  epoch: number;
  hintKey: Buffer;
  identity: Identity;
  ownIds: readonly Buffer[];
  connectTimeoutMs: number;
  /** msg2 must arrive within this after msg1 (design 4.8: 5 s). */
  readTimeoutMs: number;
  localAddress?: string;
  signal?: AbortSignal;
  random?: (n: number) => Buffer;
}

/**
 * The v2 dialer edge: connect, msg1 in one write, read exactly msg2 (34-byte head, then len2),
 * decide, send msg3 when the listener proved the passphrase (even if the peer is not exported,
 * so its listener learns members dial it at an unattested address), close. Never throws.
 */
export function probeV2(o: ProbeV2Options): Promise<ProbeV2Result> {
  return new Promise((resolve) => {
    if (o.signal?.aborted) { resolve({ ok: false, reason: 'aborted' }); return; }
    const rand = o.random ?? randomBytes;
    const started = dialerStart({ prs: o.prs, epoch: o.epoch, hintKey: o.hintKey, cr: rand(32), ya: rand(32) });
    if (!started) { resolve({ ok: false, reason: 'invalid-point' }); return; }
    let buf = Buffer.alloc(0);
    let need = MSG2_HEAD_BYTES;
    let connected = false;
    let settled = false;
    const socket = net.connect({ host: o.host, port: o.port, localAddress: o.localAddress });
    let timer = setTimeout(() => finish({ ok: false, reason: 'connect-timeout' }), o.connectTimeoutMs);
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    o.signal?.addEventListener('abort', onAbort, { once: true });

    function finish(r: ProbeV2Result, last?: Buffer): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (last) socket.end(last, () => socket.destroy()); else socket.destroy();
      resolve(r);
    }

    socket.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ok: false, reason: 'read-timeout' }), o.readTimeoutMs);
      socket.write(started.msg1);
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (need === MSG2_HEAD_BYTES && buf.length >= MSG2_HEAD_BYTES) {
        const head = decodeMsg2Head(buf.subarray(0, MSG2_HEAD_BYTES));
        if (!head) { finish({ ok: false, reason: 'malformed' }); return; }
        need = MSG2_HEAD_BYTES + head.len2;
      }
      if (buf.length < need || need === MSG2_HEAD_BYTES) return;
      // The listener sends nothing after msg2 until msg3: extra bytes are not a listener.
      if (buf.length > need) { finish({ ok: false, reason: 'malformed' }); return; }
      const d = dialerFinish(started.state, buf, { identity: o.identity, ownIds: o.ownIds, dialed: o.host });
      if (!d.ok) { finish({ ok: false, reason: d.reason }); return; }
      if (!d.exported) { finish({ ok: false, reason: d.reason, listener: d.listener }, d.msg3); return; }
      finish({ ok: true, port: d.listener.appPort, listener: d.listener }, d.msg3);
    });
    socket.once('end', () => finish({ ok: false, reason: buf.length === 0 ? 'no-response' : 'short' }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        finish({ ok: false, reason: err.code === 'ECONNREFUSED' ? 'refused'
          : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'EADDRNOTAVAIL' ? 'unreachable' : 'error' });
      } else {
        finish({ ok: false, reason: err.code === 'ECONNRESET' ? 'reset' : 'error' });
      }
    });
  });
}
