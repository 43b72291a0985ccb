import type { Endpoint } from '../net/endpoint.js';

/** Called with a usable contact (already filtered) for the infohash it was registered under. */
export type ContactHandler = (contact: Endpoint) => void;

/**
 * The one map from infohash to the zones that want its contacts, on the shared DHT node. A
 * contact costs one map lookup whatever the number of zones (a `peer` listener per zone cost
 * one call per zone per contact and Node's MaxListenersExceededWarning past 10 zones). On the
 * public DHT most contacts are announces other nodes store with us for infohashes no zone
 * wants; they end here, counted. Several handlers per infohash are allowed (two Discovery
 * objects for one passphrase in a library user's process); order is registration order.
 */
export class ContactIndex {
  private readonly byHash = new Map<string, Set<ContactHandler>>();
  /** Contacts for infohashes no zone wants (other nodes' announces stored with us). */
  unwanted = 0;

  /** Registers `handler` for `infohashHex` (lower-case hex); returns its unregister function. */
  add(infohashHex: string, handler: ContactHandler): () => void {
    const key = infohashHex.toLowerCase();
    let set = this.byHash.get(key);
    if (!set) { set = new Set(); this.byHash.set(key, set); }
    set.add(handler);
    return () => this.remove(key, handler);
  }

  private remove(key: string, handler: ContactHandler): void {
    const set = this.byHash.get(key);
    if (!set) return;
    set.delete(handler);
    if (set.size === 0) this.byHash.delete(key);
  }

  /** Hands a contact to the zones of its infohash; false when none wants it. */
  dispatch(infohashHex: string, contact: Endpoint): boolean {
    const set = this.byHash.get(infohashHex);
    if (!set) { this.unwanted++; return false; }
    for (const h of set) h({ host: contact.host, port: contact.port });
    return true;
  }

  has(infohashHex: string): boolean {
    return this.byHash.has(infohashHex.toLowerCase());
  }

  /** Distinct infohashes wanted (zones sharing a passphrase count once). */
  get size(): number {
    return this.byHash.size;
  }

  /** The wanted infohashes (hex), for schedulers that walk every zone. */
  infohashes(): IterableIterator<string> {
    return this.byHash.keys();
  }
}
