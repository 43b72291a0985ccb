// bittorrent-dht 11 ships no types; this declares only the surface wherez uses.
declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';

  export interface DHTNodeContact { host: string; port: number; id?: Buffer | Uint8Array }
  export interface DHTOptions {
    nodeId?: Buffer | string;
    bootstrap?: false | Array<string | { host: string; port: number }>;
    host?: string | false;
    maxAge?: number;
    maxPeers?: number;
    maxTables?: number;
    maxValues?: number;
    timeBucketOutdated?: number;
    concurrency?: number;
    timeout?: number;
    k?: number;
    /** A k-rpc instance to use instead of building one (wherez builds it to walk with it). */
    krpc?: import('k-rpc').Krpc;
  }
  export default class DHT extends EventEmitter {
    constructor(opts?: DHTOptions);
    nodeId: Buffer;
    listening: boolean;
    destroyed: boolean;
    ready: boolean;
    nodes: { count(): number; toArray(): DHTNodeContact[] };
    listen(port?: number, address?: string, onlistening?: () => void): void;
    address(): { address: string; family: string; port: number };
    announce(infoHash: Buffer | string, port: number, cb?: (err: Error | null, hits?: number) => void): void;
    lookup(infoHash: Buffer | string, cb?: (err: Error | null, n?: number) => void): () => void;
    addNode(node: { host: string; port: number; id?: Buffer }): void;
    toJSON(): { nodes: Array<{ host: string; port: number }>; values: Record<string, unknown> };
    destroy(cb?: () => void): void;
  }
}

// bencode (a bittorrent-dht dependency, used directly by tests to play a hostile DHT node).
declare module 'bencode' {
  const bencode: { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };
  export default bencode;
}
