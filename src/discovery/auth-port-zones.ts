import { wherezError } from '../errors.js';
import { HintIndex } from './v2/hint-index.js';
import type { V2ListenerContext } from './v2/listener-session.js';

/** Which handshakes a zone speaks. */
export type Protocol = 'v1' | 'v2' | 'both';

/** v1 and both zones answer v1 challenges. */
export function speaksV1(p: Protocol): boolean {
  return p !== 'v2';
}

/** One zone served on an auth port. */
export interface AuthZone {
  /** For error messages and logs (never a secret). */
  label: string;
  protocol: Protocol;
  passphrase: Buffer;
  /** Application port proven to clients (v1) or sent in msg2 (v2). */
  appPort: number;
  /** Needed by v2 and both zones. */
  v2?: V2ListenerContext;
  /** A v1 challenge from `remote` was answered (proves nothing: source-relist.ts only looks or dials back). */
  onV1Answered?: (remote: string) => void;
}

/**
 * The zones of one auth port (design 4.4, 4.7). v2 connections pick their zone by the hint of
 * msg1, over every v2 and both zone on the port; a v1 challenge carries no zone, so at most one
 * v1 or both zone may be on a port, and it alone answers v1. Zones come and go (reload) while the
 * port stays open for the others.
 */
export class AuthPortZones {
  readonly v2: HintIndex<V2ListenerContext>;
  private readonly zones = new Set<AuthZone>();
  private v1Zone: AuthZone | undefined;

  constructor(now?: () => number) {
    this.v2 = new HintIndex(now);
  }

  /** WHEREZ_ARGUMENT for a second v1-capable zone, or a v2 zone without its listener context. */
  add(z: AuthZone): void {
    if (this.zones.has(z)) return;
    if (speaksV1(z.protocol) && this.v1Zone) {
      throw wherezError('WHEREZ_ARGUMENT', `zone ${z.label} speaks v1 on an auth port where zone ${this.v1Zone.label} already does: v1 has no zone hint, so at most one v1 or both zone per auth port`);
    }
    if (z.protocol !== 'v1' && !z.v2) throw wherezError('WHEREZ_ARGUMENT', `zone ${z.label} speaks v2 but has no v2 listener context`);
    this.zones.add(z);
    if (speaksV1(z.protocol)) this.v1Zone = z;
    if (z.protocol !== 'v1' && z.v2) this.v2.add(z.v2, z.v2);
  }

  remove(z: AuthZone): void {
    if (!this.zones.delete(z)) return;
    if (this.v1Zone === z) this.v1Zone = undefined;
    if (z.v2) this.v2.remove(z.v2);
  }

  get size(): number {
    return this.zones.size;
  }

  /** Whether another zone could join: v2-only always; v1-capable only while no zone speaks v1. */
  accepts(protocol: Protocol): boolean {
    return !speaksV1(protocol) || this.v1Zone === undefined;
  }

  /** The zone that answers v1 challenges, if any. */
  get v1(): AuthZone | undefined {
    return this.v1Zone;
  }

  get speaksV2(): boolean {
    return this.v2.size > 0;
  }
}
