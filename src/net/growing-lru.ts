import { LRUCache } from 'lru-cache';

/**
 * An LRU of at most `max` entries whose memory follows its use. lru-cache given `max` allocates
 * arrays for all of it at once (~28 bytes an entry: 1.8 MB for 65,536), and several such caches
 * live per auth listener and per zone: a daemon with 1,000 zones on their own ports held 3.9 GB
 * of empty ones. Bounded by size instead (every entry counts 1), it starts empty and grows; the
 * bound, eviction order and API are the same.
 */
export function growingLru<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(max: number): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: max, sizeCalculation: () => 1 });
}
