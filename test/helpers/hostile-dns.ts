/**
 * Hostile DNS bytes for the fuzz test and the attack bench: random junk, cut packets and mutated
 * valid queries (some with QR forced clear so they reach the parser), from a seeded PRNG so a
 * failure replays exactly.
 */
import { query } from './dns-client.js';

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  query('_ldap._wherez.local', 'SRV', { edns: 1232 }),
  query('i-10-0-0-1-8000._ldap._wherez.local', 'TXT'),
  query('_services._dns-sd._udp._wherez.local', 'PTR', { edns: 512, dnssecOk: true }),
  query('h-10-0-0-2._wherez.local', 'A'),
  query('example.com', 'AAAA'),
];

export function hostile(rand: () => number): Buffer {
  const kind = rand();
  if (kind < 0.3) return Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
  const b = Buffer.from(SEEDS[Math.floor(rand() * SEEDS.length)] as Buffer);
  if (kind < 0.4) return b.subarray(0, Math.floor(rand() * b.length));
  for (let i = 0, n = 1 + Math.floor(rand() * 8); i < n; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
  if (kind < 0.5) b[2] = (b[2] as number) & 0x7f; // keep QR clear so more of them reach the parser
  return b;
}

/** Random bytes of 1..maxLength: a stream that ends mid-frame. */
export function junk(rand: () => number, maxLength: number): Buffer {
  return Buffer.from(Array.from({ length: 1 + Math.floor(rand() * maxLength) }, () => Math.floor(rand() * 256)));
}
