import net from 'node:net';
import {
  RESPONSE_MESSAGE_BYTES, encodeChallenge, newChallenge, verifyResponse,
} from './handshake-v1.js';
import type { SelfDetector } from './self-detector.js';

export type ProbeFailure =
  | 'refused' | 'unreachable' | 'connect-timeout' | 'read-timeout' | 'reset'
  | 'no-response' | 'short' | 'bad-mac' | 'port-zero' | 'self' | 'aborted' | 'error'
  // v2 only (see v2/dialer-handshake.ts); 'unattested' is the fail-closed anti-relay check
  | 'malformed' | 'reflection' | 'invalid-point' | 'aead' | 'signature' | 'unattested' | 'no-keys';

export type ProbeResult = { ok: true; port: number } | { ok: false; reason: ProbeFailure };

export interface ProbeOptions {
  host: string;
  port: number;
  passphrase: Buffer;
  self: SelfDetector;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  /** Source address, so peers see the same IP we announce from. */
  localAddress?: string;
  signal?: AbortSignal;
}

/**
 * The v1 client side: connect, send exactly 36 bytes in one write (extra bytes would make the Go
 * server's close send a RST that can destroy its response), read exactly 34, verify in constant
 * time. Never throws; every outcome is a typed result. Connect and read each have a deadline.
 */
export function probeV1(o: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (o.signal?.aborted) { resolve({ ok: false, reason: 'aborted' }); return; }
    const challenge = newChallenge(o.self.dedupe);
    const chunks: Buffer[] = [];
    let received = 0;
    let connected = false;
    // Read at connect: once the peer has closed, the socket may no longer report them.
    let local = { address: '', port: 0 };
    let settled = false;
    const socket = net.connect({ host: o.host, port: o.port, localAddress: o.localAddress });
    let timer = setTimeout(() => finish({ ok: false, reason: 'connect-timeout' }), o.connectTimeoutMs);
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    o.signal?.addEventListener('abort', onAbort, { once: true });

    function finish(r: ProbeResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    }

    function verdict(): ProbeResult {
      if (received === 0) {
        const self = o.self.wasSelf(local.address, local.port);
        return { ok: false, reason: self ? 'self' : 'no-response' };
      }
      if (received < RESPONSE_MESSAGE_BYTES) return { ok: false, reason: 'short' };
      const v = verifyResponse(o.passphrase, challenge.challenge, Buffer.concat(chunks).subarray(0, RESPONSE_MESSAGE_BYTES));
      return v.ok ? { ok: true, port: v.port } : { ok: false, reason: v.reason === 'malformed' ? 'short' : v.reason };
    }

    socket.once('connect', () => {
      connected = true;
      local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ok: false, reason: 'read-timeout' }), o.readTimeoutMs);
      socket.write(encodeChallenge(challenge));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      // Exactly 34 bytes are read, as Go's io.ReadFull does; a peer that then keeps the
      // connection open (or sends more) cannot stall us.
      if (received >= RESPONSE_MESSAGE_BYTES) finish(verdict());
    });
    socket.once('end', () => {
      // Both sides close at once; give the own-listener check a turn to record itself.
      setImmediate(() => finish(verdict()));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        const reason: ProbeFailure = err.code === 'ECONNREFUSED' ? 'refused'
          : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'EADDRNOTAVAIL' ? 'unreachable' : 'error';
        finish({ ok: false, reason });
      } else if (received === 0 && o.self.wasSelf(local.address, local.port)) {
        finish({ ok: false, reason: 'self' });
      } else {
        finish({ ok: false, reason: err.code === 'ECONNRESET' ? 'reset' : 'error' });
      }
    });
  });
}
