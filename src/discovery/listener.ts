import net from 'node:net';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { listenError } from '../errors.js';
import { CHALLENGE_MESSAGE_BYTES, decodeChallenge, respondV1 } from './handshake-v1.js';
import { SelfDetector } from './self-detector.js';
import { AUTH_MAX_CONNECTIONS, AUTH_READ_TIMEOUT_MS } from './timing.js';
import { serveV2, type V2ListenerContext } from './v2/listener-session.js';
import { V2_FIRST_BYTE } from './v2/wire.js';

/** Which handshakes a zone speaks. */
export type Protocol = 'v1' | 'v2' | 'both';
const V1_FIRST_BYTE = 0x77; // 'w' of "wherez"

export interface AuthListenerOptions {
  passphrase: Buffer;
  /** Application port proven to clients. */
  appPort: number;
  host: string;
  /** TCP port; 0 picks one (read it back from start()). */
  port: number;
  self: SelfDetector;
  /** Default v1 (this class predates v2). v2 and both need `v2`. */
  protocol?: Protocol;
  v2?: V2ListenerContext;
  readTimeoutMs?: number;
  maxConnections?: number;
  log?: Logger;
}

export interface AuthListenerStats {
  accepted: number;
  answered: number;
  junk: number;
  timeouts: number;
  self: number;
  overCap: number;
  acceptErrors: number;
}

/**
 * The auth server of one zone. Byte 0 of a connection picks the handshake (design 4.4): 0x00 is
 * v2, 'w' is v1, each only when the zone speaks it; anything else closes without a reply.
 *
 * v1: one TCP listener per passphrase. Reads exactly 36 bytes under a
 * deadline, answers with the 34-byte response and closes, exactly like the Go server, but
 * with a deadline and a connection cap. Accept errors (EMFILE when fds run out) are counted and
 * survived: libuv keeps the listening socket, so the listener recovers once fds free up.
 */
export class AuthListener {
  readonly stats: AuthListenerStats = { accepted: 0, answered: 0, junk: 0, timeouts: 0, self: 0, overCap: 0, acceptErrors: 0 };
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly log: Logger;
  private readonly readTimeoutMs: number;
  private closed = false;

  constructor(private readonly opts: AuthListenerOptions) {
    this.log = opts.log ?? silentLogger();
    this.readTimeoutMs = opts.readTimeoutMs ?? AUTH_READ_TIMEOUT_MS;
    this.server = net.createServer({ pauseOnConnect: false }, (s) => this.onConnection(s));
    this.server.maxConnections = opts.maxConnections ?? AUTH_MAX_CONNECTIONS;
    this.server.on('drop', () => { this.stats.overCap++; });
  }

  /** Binds; resolves with the bound port. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) =>
        reject(listenError(err, `auth tcp ${this.opts.host}:${this.opts.port}`));
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.host, port: this.opts.port, exclusive: true }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err: NodeJS.ErrnoException) => {
          this.stats.acceptErrors++;
          this.log.warn({ code: err.code }, 'auth listener accept error; still listening');
        });
        resolve(this.port);
      });
    });
  }

  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  private onConnection(socket: net.Socket): void {
    this.stats.accepted++;
    this.sockets.add(socket);
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => {
      this.stats.timeouts++;
      socket.destroy();
    }, this.readTimeoutMs);
    const protocol = this.opts.protocol ?? 'v1';
    let isV2 = false;
    const onData = (chunk: Buffer) => {
      if (received === 0 && chunk.length > 0) {
        const first = chunk[0];
        if (first === V2_FIRST_BYTE && protocol !== 'v1' && this.opts.v2) {
          socket.off('data', onData);
          isV2 = true;
          serveV2(socket, chunk, this.opts.v2, () => clearTimeout(timer));
          return;
        }
        if (first !== V1_FIRST_BYTE || protocol === 'v2') {
          // A v2-only zone sends nothing to a v1 challenge: v1 would hand out a free HMAC oracle.
          this.stats.junk++;
          socket.destroy();
          return;
        }
      }
      chunks.push(chunk);
      received += chunk.length;
      if (received < CHALLENGE_MESSAGE_BYTES) return;
      clearTimeout(timer);
      socket.pause();
      this.answer(socket, Buffer.concat(chunks).subarray(0, CHALLENGE_MESSAGE_BYTES));
    };
    socket.on('data', onData);
    socket.on('end', () => { if (!isV2 && received < CHALLENGE_MESSAGE_BYTES) { this.stats.junk++; socket.destroy(); } });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => { clearTimeout(timer); this.sockets.delete(socket); });
  }

  private answer(socket: net.Socket, wire: Buffer): void {
    const challenge = decodeChallenge(wire);
    if (!challenge) {
      this.stats.junk++;
      this.log.debug({ remote: socket.remoteAddress }, 'auth: junk challenge dropped');
      socket.destroy();
      return;
    }
    if (this.opts.self.isOwnDedupe(challenge.dedupe)) {
      this.stats.self++;
      this.opts.self.noteSelfConnection(socket.remoteAddress ?? '', socket.remotePort ?? 0);
      socket.destroy();
      return;
    }
    this.stats.answered++;
    socket.end(respondV1(this.opts.passphrase, this.opts.appPort, challenge));
  }

  /** Idempotent. Stops accepting and drops connections in progress. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => {
      if (!this.server.listening) { resolve(); return; }
      this.server.close(() => resolve());
    });
  }
}
