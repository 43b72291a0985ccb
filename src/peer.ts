
/** An authenticated peer: the DHT contact's address with the application port it proved. */
export interface Peer {
  /** IP address the peer was reached at (from the DHT contact). */
  host: string;
  /** Application port carried in the authenticated response. */
  port: number;
  /** TCP port its auth listener answered on (the announced DHT port). */
  authPort: number;
  /** When the peer last passed a challenge (ms since epoch). */
  verifiedAt: number;
}

/** The key that identifies one peer within a zone: the auth endpoint it answers on. */
export function peerKey(p: { host: string; authPort: number }): string {
  return `${p.host}:${p.authPort}`;
}

export function isValidPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}
