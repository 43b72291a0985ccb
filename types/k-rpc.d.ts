// k-rpc 5 (bittorrent-dht's KRPC layer, which wherez builds and hands to it) ships no types;
// this declares only the surface wherez uses.
declare module 'k-rpc' {
  import { EventEmitter } from 'node:events';

  /** How k-rpc names the node a reply came from: its own node object or the socket's rinfo. */
  export interface KrpcPeer { address?: string; host?: string; port?: number; id?: Buffer }
  export interface KrpcNode { host: string; port: number; id?: Buffer; token?: Buffer }
  export interface KrpcResponse { r?: { id?: unknown; token?: unknown; values?: unknown; nodes?: unknown } }
  export interface KrpcMessage { q: string; a: Record<string, unknown> }
  export interface KrpcOptions {
    id?: Buffer;
    idLength?: number;
    bootstrap?: false | Array<{ host: string; port: number }>;
    /** k-rpc-socket: ms before an unanswered query fails (default 2000). */
    timeout?: number;
    concurrency?: number;
    k?: number;
  }
  /** k-rpc-socket: the UDP layer every query goes through. */
  export interface KrpcSocket {
    query(peer: KrpcNode & { address?: string }, message: KrpcMessage, cb: (err: Error | null, res?: KrpcResponse | null, peer?: KrpcPeer) => void): number;
  }
  export interface Krpc extends EventEmitter {
    id: Buffer;
    socket: KrpcSocket;
    closest(target: Buffer, message: KrpcMessage, visit: (res: KrpcResponse, peer: KrpcPeer) => boolean | void,
      cb: (err: Error | null, responders?: number) => void): void;
    query(node: KrpcNode, message: KrpcMessage, cb: (err: Error | null, res?: KrpcResponse, peer?: KrpcPeer) => void): void;
  }
  export default function krpc(opts?: KrpcOptions): Krpc;
}
