import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { isIPv4 } from 'node:net';
import DHT from 'bittorrent-dht';
import krpc, { type Krpc } from 'k-rpc';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { listenError, wherezError } from '../errors.js';
import type { Endpoint } from '../net/endpoint.js';
import { isValidPort } from '../peer.js';
import { readJsonOrNull, writeJsonAtomic } from './state-file.js';
import { ContactIndex, type ContactHandler } from './contact-index.js';
import { withDeadline } from '../deadline.js';
import { formatEndpoint } from '../net/endpoint.js';
import { contactVerdict } from './contact-filter.js';
import { DHT_BIND_TIMEOUT_MS, DHT_FIRST_SAVE_NODES, DHT_PEER_MAX_AGE_MS, DHT_QUERY_TIMEOUT_MS, DHT_CONCURRENCY, DHT_STATE_SAVE_INTERVAL_MS } from './timing.js';
import { GetPeersWalk } from './get-peers-walk.js';
import { QueryBudget } from './query-budget.js';
import { WalkPool } from './walk-pool.js';

export interface DhtNodeOptions {
  /** Bind address of the UDP socket (also the address peers see in our announces). */
  host: string;
  /** UDP port; 0 picks one. */
  port: number;
  /**
   * Bootstrap nodes. Always explicit: an empty list starts a standalone node (the first node of
   * a private swarm); bittorrent-dht's own default would contact the public routers.
   */
  bootstrap: readonly Endpoint[];
  /** Where node id and routing table are kept for warm restarts; undefined keeps nothing. */
  stateDir?: string;
  log?: Logger;
}

/** How bittorrent-dht names the node a contact came from (k-rpc passes rinfo or its own peer object). */
interface KrpcPeer { address?: string; host?: string; port?: number }

interface SavedState { nodeId: string; nodes: Endpoint[] }

export function validateBootstrap(list: readonly Endpoint[]): Endpoint[] {
  return list.map((e) => {
    // bittorrent-dht throws out of a nextTick (killing the process) on port 0.
    if (!e.host || !isValidPort(e.port)) {
      throw wherezError('WHEREZ_BOOTSTRAP_INVALID', `bootstrap entry ${formatEndpoint(e)} needs a host and a port in 1-65535`);
    }
    return { host: e.host, port: e.port };
  });
}

/**
 * The process's one DHT node (bittorrent-dht), shared by every zone. Contacts from get_peers
 * replies and from announces other nodes make to us go through one infohash index
 * (`subscribe`), so a zone acts on them at once instead of waiting for a lookup to finish, and a
 * contact costs O(1) whatever the number of zones.
 */
export class DhtNode extends EventEmitter<{ saved: [number] }> {
  private dht: DHT | undefined;
  /** bittorrent-dht's KRPC layer, built here so that walks can see each reply (get-peers-walk.ts). */
  private rpc: Krpc | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly bootstrap: Endpoint[];
  private closed = false;
  private bootstrapCount = 0;
  /** infohash -> zones: the only way contacts leave this node. */
  readonly contacts = new ContactIndex();
  /** DHT queries per destination (bittorrent-dht's own and our walks'): see query-budget.ts. */
  readonly queryBudget = new QueryBudget();
  /** get_peers walks running at once, shared by every zone (walk-pool.ts). */
  readonly walks = new WalkPool();
  /** Contacts dropped as unusable (not an IP, unspecified, multicast, broadcast, port 0): hostile or broken DHT values. */
  garbageContacts = 0;
  /** Contacts more local than the node that gave them (loopback or LAN hosts named by a public node): never dialled. */
  outOfScopeContacts = 0;

  constructor(private readonly opts: DhtNodeOptions) {
    super();
    this.log = opts.log ?? silentLogger();
    this.bootstrap = validateBootstrap(opts.bootstrap);
  }

  private get statePath(): string | undefined {
    return this.opts.stateDir ? join(this.opts.stateDir, `dht-${this.opts.port}.json`) : undefined;
  }

  /**
   * Binds the UDP socket and starts bootstrapping; resolves once bound. Rejects with a coded
   * error when the bind fails (every errno, not only the two k-rpc-socket reports as `error`),
   * takes longer than DHT_BIND_TIMEOUT_MS, or close() is called meanwhile.
   */
  async start(): Promise<void> {
    const saved = this.statePath ? parseSaved(await readJsonOrNull(this.statePath)) : null;
    if (this.closed) throw wherezError('WHEREZ_CLOSED', 'the DHT node was closed during start');
    // Saved nodes first for a warm start; the configured bootstrap after them in case they left.
    const bootstrap = [...(saved?.nodes ?? []), ...this.bootstrap];
    this.bootstrapCount = bootstrap.length;
    const rpc = krpc({
      idLength: 20,
      id: saved ? Buffer.from(saved.nodeId, 'hex') : undefined,
      bootstrap: bootstrap.length > 0 ? bootstrap : false,
      timeout: DHT_QUERY_TIMEOUT_MS,
      concurrency: DHT_CONCURRENCY,
    });
    capQueries(rpc, this.queryBudget);
    const dht = new DHT({ krpc: rpc, bootstrap: bootstrap.length > 0 ? bootstrap : false, host: false, maxAge: DHT_PEER_MAX_AGE_MS });
    this.dht = dht;
    this.rpc = rpc;
    dht.on('peer', (peer: Endpoint, infoHash: Buffer, from: KrpcPeer | null) => this.onContact(peer, infoHash, from));
    dht.on('announce', (peer: Endpoint, infoHash: Buffer, from: KrpcPeer | null) => this.onContact(peer, infoHash, from ?? null));
    const what = `dht udp ${formatEndpoint({ host: this.opts.host, port: this.opts.port })}`;
    try {
      await withDeadline(bindDht(dht, this.opts.port, this.opts.host, what), DHT_BIND_TIMEOUT_MS, what);
    } catch (err) {
      this.dht = undefined;
      dht.destroy();
      throw err;
    }
    dht.on('warning', (err: Error) => this.log.debug({ err: err.message }, 'dht warning'));
    dht.on('error', (err: Error) => this.log.warn({ err: err.message }, 'dht socket error'));
    if (this.statePath) {
      const onNode = () => { if (this.nodeCount() >= DHT_FIRST_SAVE_NODES) this.firstSave(); };
      dht.on('node', onNode);
      this.firstSave = () => { dht.off('node', onNode); this.firstSave = () => undefined; void this.save(); };
      this.saveTimer = setInterval(() => void this.save(), DHT_STATE_SAVE_INTERVAL_MS);
      this.saveTimer.unref();
    }
    // Not awaited: bootstrap ends only when its slowest query does, and one dead node costs the
    // 2 s query timeout. Lookups work before it ends (k-rpc falls back to the bootstrap list).
    const ready = () => {
      this.log.info({ port: this.port, nodes: this.nodeCount() }, 'dht bootstrapped');
      if (this.nodeCount() > 0) this.firstSave();
    };
    if (dht.ready) ready(); else dht.once('ready', ready);
  }

  /** Saves once, as soon as the table is worth keeping (set up by start(); then a no-op). */
  private firstSave: () => void = () => undefined;

  /** `from` is the DHT node that gave the contact; null when it came from our own store. */
  private onContact(peer: Endpoint, infoHash: Buffer, from: KrpcPeer | null): void {
    // Our store holds only announces, whose contact is the announcer's own address.
    const source = from ? from.address ?? from.host ?? null : peer.host;
    const verdict = contactVerdict(peer, source);
    if (verdict !== 'dial') {
      if (verdict === 'garbage') this.garbageContacts++; else this.outOfScopeContacts++;
      this.log.debug({ contact: formatEndpoint(peer), source, verdict }, 'dht: contact not dialled');
      return;
    }
    this.contacts.dispatch(infoHash.toString('hex'), peer);
  }

  /** Contacts for `infohash` go to `handler` until the returned function is called. */
  subscribe(infohash: Buffer, handler: ContactHandler): () => void {
    return this.contacts.add(infohash.toString('hex'), handler);
  }

  /** 0 before the bind and after close (bittorrent-dht keeps `listening` true after destroy, and address() then throws). */
  get port(): number {
    return !this.closed && this.dht?.listening ? this.dht.address().port : 0;
  }

  get nodeId(): string {
    return this.dht ? this.dht.nodeId.toString('hex') : '';
  }

  nodeCount(): number {
    return this.dht?.nodes ? this.dht.nodes.count() : 0;
  }

  /** Resolves with how many DHT nodes stored the announce (0: none; retry soon), -1 once closed. */
  announce(infohash: Buffer, port: number): Promise<number> {
    return new Promise((resolve) => {
      if (!this.dht || this.closed) { resolve(-1); return; }
      this.dht.announce(infohash, port, (err, hits) => {
        if (err) this.log.debug({ err: err.message }, 'announce reached no node');
        resolve(err ? 0 : hits ?? 0);
      });
    });
  }

  /**
   * A get_peers walk that announces `announcePort` (if given) to the closest nodes as they answer;
   * its contacts reach subscribers while it runs. Null once closed or before start().
   */
  walk(infohash: Buffer, announcePort: number | undefined, onAnnounced?: () => void, rank = 0): GetPeersWalk | null {
    if (!this.rpc || this.closed) return null;
    return new GetPeersWalk({
      rpc: this.rpc, infohash, announcePort, onAnnounced, alive: () => !this.closed, pool: this.walks, rank,
      onValues: (contacts, from) => { if (!this.closed) for (const c of contacts) this.onContact(c, infohash, from); },
    });
  }

  /** A plain bittorrent-dht lookup (contacts reach subscribers while it runs). */
  /** Resolves with how many DHT nodes answered (0: none reachable), or -1 once closed. */
  lookup(infohash: Buffer): Promise<number> {
    return new Promise((resolve) => {
      if (!this.dht || this.closed) { resolve(-1); return; }
      this.dht.lookup(infohash, (err, n) => resolve(err ? 0 : n ?? 0));
    });
  }

  /** false for a standalone node (no bootstrap, nothing saved): it has no one to reach. */
  get hasBootstrap(): boolean {
    return this.bootstrapCount > 0;
  }

  /** Writes node id and routing table; saves never overlap (each waits for the one before). */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.writeState());
    return this.saving;
  }

  private saving = Promise.resolve();

  private async writeState(): Promise<void> {
    if (!this.dht || !this.statePath || !this.dht.listening) return;
    const nodes = this.dht.toJSON().nodes.filter((n) => isValidPort(n.port)).slice(0, 200);
    const state: SavedState = { nodeId: this.nodeId, nodes };
    try {
      await writeJsonAtomic(this.statePath, state);
      this.emit('saved', nodes.length);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dht state not saved');
    }
  }

  /** Idempotent: saves the routing table, then destroys the node (its timers are not unref'd). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.firstSave = () => undefined;
    const dht = this.dht;
    if (!dht) return;
    await this.save();
    await new Promise<void>((resolve) => dht.destroy(() => resolve()));
  }
}

/**
 * Binds the node's socket. k-rpc-socket emits only EACCES and EADDRINUSE as `error`; every other
 * bind failure (EADDRNOTAVAIL for an address no interface has, EINVAL for `::` on its udp4
 * socket) arrives as a `warning` with syscall 'bind', after which nothing else happens.
 */
function bindDht(dht: DHT, port: number, host: string, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => { dht.off('error', onError); dht.off('warning', onWarning); dht.off('close', onClose); };
    const onError = (err: NodeJS.ErrnoException) => { done(); reject(listenError(err, what)); };
    const onWarning = (err: NodeJS.ErrnoException) => { if (err.syscall === 'bind') onError(err); };
    const onClose = () => { done(); reject(wherezError('WHEREZ_CLOSED', 'the DHT node was closed during start')); };
    dht.on('error', onError);
    dht.on('warning', onWarning);
    dht.once('close', onClose);
    dht.listen(port, host, () => { done(); resolve(); });
  });
}

/**
 * Every query this node sends (bootstrap, table refresh, pings, walks, announces) goes through
 * k-rpc-socket's query(); wrapping that one method of the instance we built is the only hook
 * k-rpc offers. A query over its destination's budget fails at once, like an unanswered one
 * but without removing the node from the table: a walk moves on to the next node.
 */
function capQueries(rpc: Krpc, budget: QueryBudget): void {
  const socket = rpc.socket;
  const query = socket.query.bind(socket);
  socket.query = (peer, message, cb) => {
    if (budget.take(`${peer.host ?? peer.address}:${peer.port}`)) return query(peer, message, cb);
    process.nextTick(() => cb(QUERY_CAPPED, null, peer));
    return 0;
  };
}

const QUERY_CAPPED = Object.assign(new Error('DHT query not sent: per-destination budget spent'), { code: 'ECAPPED' });

function parseSaved(v: unknown): SavedState | null {
  if (!v || typeof v !== 'object') return null;
  const s = v as Partial<SavedState>;
  if (typeof s.nodeId !== 'string' || !/^[0-9a-f]{40}$/.test(s.nodeId) || !Array.isArray(s.nodes)) return null;
  const nodes = s.nodes.filter((n): n is Endpoint =>
    !!n && typeof n === 'object' && typeof n.host === 'string' && isIPv4(n.host) && isValidPort(n.port));
  return { nodeId: s.nodeId, nodes };
}
