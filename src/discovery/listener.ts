import net from 'node:net';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { listenError, wherezError } from '../errors.js';
import { CHALLENGE_MESSAGE_BYTES, decodeChallenge, respondV1 } from './handshake-v1.js';
import { SelfDetector } from './self-detector.js';
import {
  AUTH_CONNECTION_DEADLINE_MS, AUTH_LINGER_MS, AUTH_LISTEN_BACKLOG, AUTH_MAX_CONNECTIONS, AUTH_MAX_CONNECTIONS_PER_IP,
  AUTH_MAX_CONNECTIONS_PER_PREFIX, AUTH_PREEMPT_MIN_AGE_MS,
} from './timing.js';
import { ConnectionSlots } from '../net/connection-slots.js';
import { PrefixLimits, type PrefixBan, type PrefixLimitsOptions } from '../net/prefix-limits.js';
import { normalizeIp } from '../net/address-class.js';
import { serveV2, type V2ListenerContext, type V2PortContext } from './v2/listener-session.js';
import { ReplayCache } from './v2/replay-cache.js';
import { V2_FIRST_BYTE } from './v2/wire.js';
import { formatEndpoint } from '../net/endpoint.js';
import { AuthPortZones, type Protocol } from './auth-port-zones.js';

export type { Protocol } from './auth-port-zones.js';
const V1_FIRST_BYTE = 0x77; // 'w' of "wherez"

/** A listener of one zone (tests, tools): the zone's passphrase and app port. */
export interface SingleZone {
  passphrase: Buffer;
  /** Application port proven to clients. */
  appPort: number;
  /** Default v1 (this class predates v2). v2 and both need `v2`. */
  protocol?: Protocol;
  v2?: V2ListenerContext;
}

export type AuthListenerOptions = (SingleZone | { zones: AuthPortZones }) & {
  host: string;
  /** TCP port; 0 picks one (read it back from start()). */
  port: number;
  self: SelfDetector;
  /**
   * Deadline of a connection from accept to close, whatever it sends (v1); a v2 session, once
   * its first message is read, runs under its own lifetime.
   */
  deadlineMs?: number;
  /** Connection slots: in all, per source IP, per /24 (IPv4) or /56 (IPv6). */
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  maxConnectionsPerPrefix?: number;
  /**
   * v2 limits per source network (design 4.8; defaults DEFAULT_PREFIX_LIMITS): handshakes a
   * minute, and the ban of a network whose handshakes keep failing. Tests stage them here.
   */
  prefixLimits?: Partial<PrefixLimitsOptions>;
  /** Clock of the prefix limits (ms, monotonic); default performance.now. */
  now?: () => number;
  log?: Logger;
}

/** At most one warn line per this period about new bans (the others are counted in it). */
export const BAN_LOG_INTERVAL_MS = 10_000;

export interface AuthListenerStats {
  accepted: number;
  answered: number;
  junk: number;
  timeouts: number;
  self: number;
  /** Refused: the source's share or all slots taken. */
  overCap: number;
  /** Closed to give the slot to a source holding fewer (see ConnectionSlots). */
  preempted: number;
  acceptErrors: number;
  /** v2 handshakes refused: their network spent its handshakes per minute. */
  rateLimited: number;
  /** Connections closed at accept: their network is banned. */
  banned: number;
  /** Bans started (a network's handshakes kept failing). */
  bans: number;
}

/**
 * The auth server of one port, for one zone or several (AuthPortZones). Byte 0 of a connection
 * picks the handshake (design 4.4): 0x00 is v2, its zone chosen by the hint among the port's v2
 * zones; 'w' is v1, answered by the port's one v1 zone; anything else, or a protocol no zone on
 * the port speaks, closes without a reply.
 *
 * Before any handshake, a connection takes a slot shared fairly per source (ConnectionSlots, for
 * both protocols) and runs under one deadline from accept: sending a challenge does not clear it.
 * On a port that speaks v2, PrefixLimits adds design 4.8's limits per /24 or /56: handshakes a
 * minute, and a ban (closed at accept) for a network whose handshakes keep failing.
 *
 * v1: one TCP listener per passphrase. Reads exactly 36 bytes, answers with the 34-byte
 * response and closes, exactly like the Go server; a client that never sends its FIN after our
 * answer is destroyed soon after (linger), at the latest at the deadline. Accept errors (EMFILE
 * when fds run out) are counted and survived: libuv keeps the listening socket, so the listener
 * recovers once fds free up.
 */
export class AuthListener {
  readonly stats: AuthListenerStats = {
    accepted: 0, answered: 0, junk: 0, timeouts: 0, self: 0, overCap: 0, preempted: 0, acceptErrors: 0, rateLimited: 0, banned: 0, bans: 0,
  };
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly log: Logger;
  private readonly deadlineMs: number;
  private readonly slots: ConnectionSlots;
  private readonly limits: PrefixLimits;
  private lastBanLogAt = -Infinity;
  private unloggedBans = 0;
  /** The zones served here; the daemon adds and removes zones while the port stays open. */
  readonly zones: AuthPortZones;
  private readonly v2Port: V2PortContext;
  private closed = false;

  constructor(private readonly opts: AuthListenerOptions) {
    this.log = opts.log ?? silentLogger();
    if ('zones' in opts) {
      this.zones = opts.zones;
    } else {
      this.zones = new AuthPortZones();
      this.zones.add({ label: 'zone', protocol: opts.protocol ?? 'v1', passphrase: opts.passphrase, appPort: opts.appPort, v2: opts.v2 });
    }
    this.v2Port = { zones: this.zones.v2, replay: new ReplayCache(), onJunk: () => { this.stats.junk++; }, log: this.log };
    this.deadlineMs = opts.deadlineMs ?? AUTH_CONNECTION_DEADLINE_MS;
    this.slots = new ConnectionSlots({
      max: opts.maxConnections ?? AUTH_MAX_CONNECTIONS,
      maxPerIp: opts.maxConnectionsPerIp ?? AUTH_MAX_CONNECTIONS_PER_IP,
      maxPerPrefix: opts.maxConnectionsPerPrefix ?? AUTH_MAX_CONNECTIONS_PER_PREFIX,
      minAgeToPreemptMs: AUTH_PREEMPT_MIN_AGE_MS,
    });
    this.limits = new PrefixLimits(opts.prefixLimits, opts.now);
    // No server.maxConnections: Node would drop over-cap connections before we see them, and a
    // fair newcomer must be seen to take a slot from the busiest source.
    this.server = net.createServer({ pauseOnConnect: false }, (s) => this.onConnection(s));
  }

  /** Binds; resolves with the bound port. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) =>
        reject(listenError(err, `auth tcp ${formatEndpoint(this.opts)}`));
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.host, port: this.opts.port, exclusive: true, backlog: AUTH_LISTEN_BACKLOG }, () => {
        this.server.off('error', onError);
        // close() came while the bind was pending (it found nothing listening to close).
        if (this.closed) { this.server.close(); reject(wherezError('WHEREZ_CLOSED', 'the auth listener was closed during start')); return; }
        this.server.on('error', (err: NodeJS.ErrnoException) => {
          this.stats.acceptErrors++;
          this.log.warn({ code: err.code }, 'auth listener accept error; still listening');
        });
        resolve(this.port);
      });
    });
  }

  /** Connections holding a slot now. */
  get connections(): number {
    return this.slots.size;
  }

  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : 0;
  }

  /**
   * Admission and deadline, the same for both protocols; then byte 0 picks the handshake. On a
   * port that speaks v2, a banned network is closed at once, before it takes a slot, and every
   * admitted connection that ends without a v1 answer or a valid v2 msg3 counts against its
   * network (design 4.8). Exempt: members (an address that completed a v2 handshake lately) and
   * the listener's own address (a zone dialing itself sends no msg3), so neither bans its network.
   */
  private onConnection(socket: net.Socket): void {
    this.stats.accepted++;
    socket.on('error', () => socket.destroy());
    const remote = socket.remoteAddress ?? '';
    const guarded = this.zones.speaksV2 && normalizeIp(remote) !== normalizeIp(socket.localAddress ?? '') && !this.limits.isProven(remote);
    if (guarded && this.limits.isBanned(remote)) {
      this.stats.banned++;
      socket.destroy();
      return;
    }
    const admission = this.slots.acquire(socket.remoteAddress ?? '', () => { this.stats.preempted++; socket.destroy(); });
    if (!admission.ok || socket.destroyed) {
      if (!admission.ok) this.stats.overCap++; else admission.slot.release();
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    const deadline = setTimeout(() => { this.stats.timeouts++; socket.destroy(); }, this.deadlineMs);
    const outcome = { notFailed: false };
    socket.on('close', () => {
      clearTimeout(deadline);
      admission.slot.release();
      this.sockets.delete(socket);
      if (guarded && !outcome.notFailed && !this.closed) this.failed(remote);
    });
    admission.preempted?.();
    this.dispatch(socket, () => clearTimeout(deadline), outcome, guarded);
  }

  /** A handshake from `remote` failed; a ban it starts is logged (rate-limited, no secrets). */
  private failed(remote: string): void {
    const ban = this.limits.failure(remote);
    if (!ban) return;
    this.stats.bans++;
    this.logBan(ban);
  }

  private logBan(ban: PrefixBan): void {
    const t = (this.opts.now ?? performance.now.bind(performance))();
    if (t - this.lastBanLogAt < BAN_LOG_INTERVAL_MS) { this.unloggedBans++; return; }
    this.lastBanLogAt = t;
    this.log.warn({ network: ban.prefix, banSeconds: Math.round(ban.ms / 1000), strike: ban.strike, alsoBannedSinceLastLine: this.unloggedBans },
      'auth: a network banned from this port: its handshakes kept failing (its connections are closed at accept until the ban ends)');
    this.unloggedBans = 0;
  }

  /**
   * `outcome.notFailed` is set once the connection did what an honest one does (answered, or msg3
   * valid), or was refused by the handshake rate before any handshake ran (the bucket bounds those
   * already; counting them would let a burst of honest dials ban their network).
   */
  private dispatch(socket: net.Socket, v2OwnsLifetime: () => void, outcome: { notFailed: boolean }, guarded: boolean): void {
    const chunks: Buffer[] = [];
    let received = 0;
    let isV2 = false;
    const onData = (chunk: Buffer) => {
      if (received >= CHALLENGE_MESSAGE_BYTES) return; // answered already; more bytes are ignored
      if (received === 0 && chunk.length > 0) {
        const first = chunk[0];
        if (first === V2_FIRST_BYTE && this.zones.speaksV2) {
          socket.off('data', onData);
          isV2 = true;
          if (guarded && !this.limits.takeHandshake(socket.remoteAddress ?? '')) {
            // Before any hint or curve work: the network spent its handshakes for now.
            this.stats.rateLimited++;
            outcome.notFailed = true;
            socket.destroy();
            return;
          }
          // The v2 session starts its own lifetime timer now and clears ours once msg1 is read.
          serveV2(socket, chunk, this.v2Port, v2OwnsLifetime, () => {
            outcome.notFailed = true;
            // A member (only a passphrase holder completes): exempt from the network limits from now on.
            if (this.zones.speaksV2) this.limits.proven(socket.remoteAddress ?? '');
          });
          return;
        }
        if (first !== V1_FIRST_BYTE || !this.zones.v1) {
          // A v2-only zone sends nothing to a v1 challenge: v1 would hand out a free HMAC oracle.
          this.stats.junk++;
          socket.destroy();
          return;
        }
      }
      chunks.push(chunk);
      received += chunk.length;
      if (received < CHALLENGE_MESSAGE_BYTES) return;
      if (this.answer(socket, Buffer.concat(chunks).subarray(0, CHALLENGE_MESSAGE_BYTES))) outcome.notFailed = true;
    };
    socket.on('data', onData);
    socket.on('end', () => { if (!isV2 && received < CHALLENGE_MESSAGE_BYTES) { this.stats.junk++; socket.destroy(); } });
  }

  /** true when the challenge was answered, or was our own (not a failure of the source). */
  private answer(socket: net.Socket, wire: Buffer): boolean {
    const challenge = decodeChallenge(wire);
    if (!challenge) {
      this.stats.junk++;
      this.log.debug({ remote: socket.remoteAddress }, 'auth: junk challenge dropped');
      socket.destroy();
      return false;
    }
    if (this.opts.self.isOwnDedupe(challenge.dedupe)) {
      this.stats.self++;
      this.opts.self.noteSelfConnection(socket.remoteAddress ?? '', socket.remotePort ?? 0);
      socket.destroy();
      return true;
    }
    const zone = this.zones.v1;
    // The v1 zone left the port (reload) while this challenge was being read.
    if (!zone) { this.stats.junk++; socket.destroy(); return false; }
    this.stats.answered++;
    socket.end(respondV1(zone.passphrase, zone.appPort, challenge));
    zone.onV1Answered?.(socket.remoteAddress ?? '');
    // Our FIN is out once the answer is flushed; a client that never sends its own would keep
    // the half-open socket (and its slot) until the deadline: give it a short linger only.
    socket.once('finish', () => { setTimeout(() => socket.destroy(), AUTH_LINGER_MS).unref(); });
    return true;
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
