import type { Krpc, KrpcNode, KrpcPeer, KrpcResponse } from 'k-rpc';
import type { Endpoint } from '../net/endpoint.js';
import type { WalkPool } from './walk-pool.js';

/** BEP 5: announce to the 8 closest nodes that answered with a token. */
export const ANNOUNCE_CLOSEST = 8;

export interface WalkResult {
  /** DHT nodes that answered the walk (0: none reachable). */
  responders: number;
  /** Nodes that stored our announce (0 when we did not announce or none accepted it). */
  stored: number;
  /** The DHT node closed before the walk got its turn in the pool: nothing was sent. */
  closed?: true;
}

export interface WalkOptions {
  rpc: Krpc;
  infohash: Buffer;
  /** Announce this port while walking; undefined = look only. */
  announcePort: number | undefined;
  /** DHT values (compact peers) from a reply, with the node that gave them. */
  onValues: (contacts: Endpoint[], from: KrpcPeer) => void;
  /** Called once, at the first announce a node accepted. */
  onAnnounced?: () => void;
  /** false once the DHT node is closed: k-rpc-socket throws on a send after its socket closed. */
  alive: () => boolean;
  /** The node's walks running at once (walk-pool.ts); the walk waits there for its turn. */
  pool?: WalkPool;
  /** Its place in the pool's queue: lower goes first (0 for a zone's first walk, 1 after). */
  rank?: number;
}

interface Holder extends KrpcNode { token: Buffer; distance: Buffer }

/**
 * One get_peers walk (k-rpc's iterative `closest`) that announces as it goes: a node that
 * answers with a token while among the ANNOUNCE_CLOSEST closest so far gets our announce_peer at
 * once. bittorrent-dht's own announce waits for the walk to end, and a walk ends only when its
 * slowest query does: every dead node in the tables costs a whole query timeout first. Every node
 * of the final closest set was among the closest when it answered, so it got the announce, as
 * BEP 5 asks; the cost is a few extra announces to nodes later displaced.
 *
 * Values are handed over as they arrive; `requery()` asks the closest nodes again (one query
 * each, no walk), which is where a sibling that started with us announces.
 */
export class GetPeersWalk {
  private readonly best: Holder[] = [];
  private readonly announced = new Set<string>();
  private stored = 0;
  private announcesInFlight = 0;
  private walkDone = false;
  private finish: (() => void) | undefined;

  constructor(private readonly o: WalkOptions) {}

  /** The closest token holders found so far (closest first). */
  get closest(): readonly KrpcNode[] {
    return this.best;
  }

  /** Walks once the pool has a slot for it (at once without a pool). */
  run(): Promise<WalkResult> {
    return this.o.pool ? this.o.pool.run(() => this.walk(), this.o.rank) : this.walk();
  }

  private walk(): Promise<WalkResult> {
    if (!this.o.alive()) return Promise.resolve({ responders: 0, stored: 0, closed: true });
    let responders = 0;
    return new Promise((resolve) => {
      this.finish = () => {
        if (this.walkDone && this.announcesInFlight === 0) resolve({ responders, stored: this.stored });
      };
      this.o.rpc.closest(this.o.infohash, this.getPeers(), (res, peer) => { this.onReply(res, peer); return true; }, (err, n) => {
        responders = err ? 0 : n ?? 0;
        this.walkDone = true;
        this.finish?.();
      });
    });
  }

  /** get_peers to each of the closest nodes once more; resolves with how many answered. */
  requery(): Promise<number> {
    const nodes = this.best.slice();
    if (nodes.length === 0 || !this.o.alive()) return Promise.resolve(0);
    return new Promise((resolve) => {
      let left = nodes.length;
      let answered = 0;
      for (const n of nodes) {
        this.o.rpc.query({ host: n.host, port: n.port }, this.getPeers(), (err, res, peer) => {
          if (!err && res) { answered++; this.onValues(res, peer ?? n); }
          if (--left === 0) resolve(answered);
        });
      }
    });
  }

  private getPeers() {
    return { q: 'get_peers', a: { id: this.o.rpc.id, info_hash: this.o.infohash } };
  }

  private onReply(res: KrpcResponse, peer: KrpcPeer): void {
    this.onValues(res, peer);
    const r = res.r;
    if (!r || !Buffer.isBuffer(r.token) || !Buffer.isBuffer(r.id) || r.id.length !== 20) return;
    const host = peer.address ?? peer.host;
    if (!host || !peer.port) return;
    const holder: Holder = { id: r.id, host, port: peer.port, token: r.token, distance: xor(r.id, this.o.infohash) };
    if (!this.admit(holder)) return;
    if (this.o.announcePort !== undefined) this.announceTo(holder, this.o.announcePort);
  }

  /** Keeps the ANNOUNCE_CLOSEST closest holders; true when `h` is now one of them. */
  private admit(h: Holder): boolean {
    const key = `${h.host}:${h.port}`;
    if (this.best.some((b) => `${b.host}:${b.port}` === key)) return false;
    let i = this.best.findIndex((b) => Buffer.compare(h.distance, b.distance) < 0);
    if (i < 0) i = this.best.length;
    if (i >= ANNOUNCE_CLOSEST) return false;
    this.best.splice(i, 0, h);
    this.best.length = Math.min(this.best.length, ANNOUNCE_CLOSEST);
    return true;
  }

  private announceTo(h: Holder, port: number): void {
    const key = `${h.host}:${h.port}`;
    if (this.announced.has(key) || !this.o.alive()) return;
    this.announced.add(key);
    this.announcesInFlight++;
    const message = { q: 'announce_peer', a: { id: this.o.rpc.id, info_hash: this.o.infohash, port, implied_port: 0, token: h.token } };
    this.o.rpc.query({ host: h.host, port: h.port }, message, (err) => {
      this.announcesInFlight--;
      if (!err) {
        this.stored++;
        if (this.stored === 1) this.o.onAnnounced?.();
      }
      this.finish?.();
    });
  }

  private onValues(res: KrpcResponse, from: KrpcPeer): void {
    const values = res.r?.values;
    if (!Array.isArray(values) || values.length === 0) return;
    const contacts: Endpoint[] = [];
    for (const v of values) {
      const c = Buffer.isBuffer(v) ? decodeCompactPeer(v) : null;
      if (c) contacts.push(c);
    }
    if (contacts.length > 0) this.o.onValues(contacts, from);
  }
}

/** BEP 5 compact IPv4 peer (4 address bytes, 2 port bytes); anything else is null. */
export function decodeCompactPeer(b: Buffer): Endpoint | null {
  if (b.length !== 6) return null;
  return { host: `${b[0]}.${b[1]}.${b[2]}.${b[3]}`, port: b.readUInt16BE(4) };
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ (b[i] ?? 0);
  return out;
}
