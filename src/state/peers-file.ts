import ipaddr from 'ipaddr.js';
import { isValidPort } from '../peer.js';
import { MAX_PEERS_PER_ZONE } from '../cache/peer-cache.js';

/**
 * The peers file of a warm restart: per zone, the last verified peers. Pure codec: `decode`
 * accepts exactly what `encode` writes (format tag, version, shapes, addresses, ports, bounds)
 * and says why it refuses anything else; it never throws.
 *
 * Zones are keyed by label and carry the zone's infohash (public: it is what the DHT sees), so
 * peers saved under another passphrase for the same label are never restored.
 */
export const PEERS_FILE_NAME = 'peers.json';
export const PEERS_FILE_FORMAT = 'wherez-peers';
export const PEERS_FILE_VERSION = 1;
/** Zones restored from one file (a bound on hostile input, far above any real config). */
const MAX_SAVED_ZONES = 10_000;
const INFOHASH_HEX = /^[0-9a-f]{40}$/;

export interface SavedPeer { host: string; port: number; authPort: number; verifiedAt: number }
export interface SavedZone { infohash: string; peers: SavedPeer[] }

export function encodePeersFile(zones: ReadonlyMap<string, SavedZone>, savedAt: number): unknown {
  return { format: PEERS_FILE_FORMAT, version: PEERS_FILE_VERSION, savedAt, zones: Object.fromEntries(zones) };
}

export type DecodedPeers = { ok: true; zones: Map<string, SavedZone> } | { ok: false; why: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A dotted-quad IPv4 or an IPv6 literal (ipaddr.js would also take "127.1" and hex forms). */
function isIpText(h: unknown): h is string {
  return typeof h === 'string' && (ipaddr.IPv4.isValidFourPartDecimal(h) || ipaddr.IPv6.isValid(h));
}

function decodePeer(v: unknown): SavedPeer | null {
  if (!isObject(v)) return null;
  const { host, port, authPort, verifiedAt } = v;
  if (!isIpText(host) || typeof port !== 'number' || !isValidPort(port) || typeof authPort !== 'number' || !isValidPort(authPort)) return null;
  if (typeof verifiedAt !== 'number' || !Number.isFinite(verifiedAt) || verifiedAt < 0) return null;
  return { host, port, authPort, verifiedAt };
}

export function decodePeersFile(v: unknown): DecodedPeers {
  if (!isObject(v) || v.format !== PEERS_FILE_FORMAT) return { ok: false, why: 'not a wherez peers file' };
  if (v.version !== PEERS_FILE_VERSION) return { ok: false, why: `version ${JSON.stringify(v.version)}, this wherez reads ${PEERS_FILE_VERSION}` };
  if (!isObject(v.zones)) return { ok: false, why: 'no zones' };
  const entries = Object.entries(v.zones);
  if (entries.length > MAX_SAVED_ZONES) return { ok: false, why: `more than ${MAX_SAVED_ZONES} zones` };
  const zones = new Map<string, SavedZone>();
  for (const [label, z] of entries) {
    if (!isObject(z) || typeof z.infohash !== 'string' || !INFOHASH_HEX.test(z.infohash) || !Array.isArray(z.peers)) {
      return { ok: false, why: `zone ${JSON.stringify(label.slice(0, 64))} is malformed` };
    }
    if (z.peers.length > MAX_PEERS_PER_ZONE) return { ok: false, why: `zone ${JSON.stringify(label.slice(0, 64))} has more than ${MAX_PEERS_PER_ZONE} peers` };
    const peers: SavedPeer[] = [];
    for (const p of z.peers) {
      const peer = decodePeer(p);
      if (!peer) return { ok: false, why: `zone ${JSON.stringify(label.slice(0, 64))} has a malformed peer` };
      peers.push(peer);
    }
    zones.set(label, { infohash: z.infohash, peers });
  }
  return { ok: true, zones };
}
