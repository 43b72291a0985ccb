import { newDedupe } from './handshake-v1.js';
import { canonicalIp } from '../net/endpoint.js';

/**
 * Recognises our own listener among DHT candidates. The v1 challenge carries a per-process
 * dedupe id; a listener that sees its own id closes without reply. Such a silent close looks
 * like a failing peer to the prober, so the listener also notes the connecting socket's
 * address, and the prober, seeing the silent close, asks whether that was its own socket.
 */
export class SelfDetector {
  readonly dedupe: Buffer;
  private readonly seen = new Set<string>();

  constructor(dedupe: Buffer = newDedupe()) {
    this.dedupe = dedupe;
  }

  isOwnDedupe(d: Buffer): boolean {
    return d.equals(this.dedupe);
  }

  /** Called by a listener with the remote end of a connection that carried our dedupe. */
  noteSelfConnection(remoteAddress: string, remotePort: number): void {
    // Both ends go through one canonical form: a dual-stack listener sees IPv4 clients as
    // ::ffff:a.b.c.d, while the prober's socket knows a.b.c.d.
    this.seen.add(endKey(remoteAddress, remotePort));
    // Bounded: entries are consumed by wasSelf; guard against anything that never is.
    if (this.seen.size > 1024) this.seen.clear();
  }

  /** Called by a prober with its own local end once the remote closed silently. */
  wasSelf(localAddress: string, localPort: number): boolean {
    return this.seen.delete(endKey(localAddress, localPort));
  }
}

function endKey(address: string, port: number): string {
  return `${canonicalIp(address)}:${port}`;
}
