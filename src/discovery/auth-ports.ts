import type { Logger } from '../log.js';
import { canonicalIp } from '../net/endpoint.js';
import { AuthListener } from './listener.js';
import { AuthPortZones, speaksV1, type AuthZone } from './auth-port-zones.js';
import type { SelfDetector } from './self-detector.js';

export interface AuthPortsOptions {
  /** Logger of the shared listeners (a zone's own lines go to the zone's logger). */
  log?: Logger;
  /** Clock of the hint index (epoch of its candidate table). */
  now?: () => number;
}

export interface AttachOptions {
  host: string;
  /** 0: the shared ephemeral port of this registry (v2-only zones), or a port of its own (v1, both). */
  port: number;
  self: SelfDetector;
  zone: AuthZone;
}

/** A zone's place on an auth port. */
export interface AuthAttachment {
  /** Resolves with the bound port once the listener listens (at once when it already did). */
  readonly ready: Promise<number>;
  readonly listener: AuthListener;
  /** Idempotent. Takes the zone off the port; the last zone to leave closes the listener. */
  detach(): Promise<void>;
}

interface Entry { zones: AuthPortZones; listener: AuthListener; ready: Promise<number>; keys: string[] }

/**
 * The auth listeners of a process, one per (bind address, port), shared by the zones configured
 * on that port (design 4.7: the zone hint selects the zone, and the port does not tell which).
 * Port 0 means one ephemeral listener shared by every v2-only zone asking for port 0; a v1 or
 * both zone asking for port 0 gets an ephemeral port of its own, since v1 cannot share. A zone
 * asking for the port an ephemeral listener got joins that listener.
 */
export class AuthPorts {
  private readonly ports = new Map<string, Entry>();
  private privateCount = 0;

  constructor(private readonly o: AuthPortsOptions = {}) {}

  /** Throws WHEREZ_ARGUMENT, synchronously, when a second v1-capable zone asks for a port. */
  attach(a: AttachOptions): AuthAttachment {
    const host = canonicalIp(a.host);
    const shared = a.port !== 0 || !speaksV1(a.zone.protocol);
    const key = shared ? `${host}|${a.port}` : `${host}|0|${++this.privateCount}`;
    let e = this.ports.get(key);
    if (!e) {
      const zones = new AuthPortZones(this.o.now);
      zones.add(a.zone);
      const listener = new AuthListener({ zones, host: a.host, port: a.port, self: a.self, log: this.o.log });
      const entry: Entry = { zones, listener, ready: listener.start(), keys: [key] };
      e = entry;
      this.ports.set(key, entry);
      // Once bound, an ephemeral listener is also the listener of the port it got.
      entry.ready.then((port) => {
        const bound = `${host}|${port}`;
        if (shared && a.port === 0 && this.ports.get(key) === entry && !this.ports.has(bound)) { this.ports.set(bound, entry); entry.keys.push(bound); }
      }, () => this.forget(entry));
    } else {
      e.zones.add(a.zone);
    }
    const entry = e;
    let detached = false;
    return {
      ready: entry.ready, listener: entry.listener,
      detach: async () => {
        if (detached) return;
        detached = true;
        entry.zones.remove(a.zone);
        if (entry.zones.size > 0) return;
        this.forget(entry);
        await entry.listener.close();
      },
    };
  }

  private forget(entry: Entry): void {
    for (const k of entry.keys) if (this.ports.get(k) === entry) this.ports.delete(k);
  }

  /** Listeners open now (tests, status). */
  get size(): number {
    return new Set(this.ports.values()).size;
  }
}
