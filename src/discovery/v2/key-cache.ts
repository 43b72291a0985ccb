import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import { readJsonOrNull, writeJsonAtomic } from '../state-file.js';
import { INFOHASH_BYTES, type EpochKeys } from './keys.js';

export const KEY_CACHE_FILE = 'v2-keys.json';
/** Writes are grouped: during a cold start of many zones one derivation ends every 1-4 s. */
export const KEY_CACHE_WRITE_DELAY_MS = 2_000;
const CHECK_LABEL = 'wherez-v2 key cache';
const HINT_KEY_BYTES = 32;

export function keyCachePath(stateDir: string): string {
  return join(stateDir, KEY_CACHE_FILE);
}

interface Stored { check: string; epochs: Record<string, { infohash: string; hintKey: string }> }

/**
 * The derived epoch keys of every zone on disk (design 4.2: RK_{e-1..e+1} MAY be cached on disk,
 * 0600, since the passphrase is on disk anyway), so a restarted daemon does not spend one scrypt
 * (1-4 s, one at a time) per zone before its v2 zones can meet: 100 zones took minutes. Only what
 * the ring keeps is stored (infohash and hint key per epoch, never RK_e), under the zone's label
 * with a check value bound to the passphrase: a zone whose passphrase changed derives afresh.
 * The check (an HMAC keyed by the passphrase) is a fast test of a guess for whoever reads the
 * file, like the passphrase file next to it: the file is 0600 in the 0700 state directory.
 */
export class KeyCache {
  private zones = new Map<string, Stored>();
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly o: { path: string; log?: Logger; writeDelayMs?: number }) {
    this.log = o.log ?? silentLogger();
  }

  /** Reads the file once; a missing or corrupt file is an empty cache. */
  async load(): Promise<void> {
    this.zones = parse(await readJsonOrNull(this.o.path));
  }

  /** Cached keys of (zone, epoch) for this passphrase; undefined when absent or the passphrase changed. */
  get(zone: string, prs: Buffer, epoch: number): EpochKeys | undefined {
    const s = this.zones.get(zone);
    if (!s || s.check !== check(prs)) return undefined;
    const e = s.epochs[String(epoch)];
    if (!e) return undefined;
    const infohash = Buffer.from(e.infohash, 'hex');
    const hintKey = Buffer.from(e.hintKey, 'hex');
    if (infohash.length !== INFOHASH_BYTES || hintKey.length !== HINT_KEY_BYTES) return undefined;
    return { epoch, infohash, hintKey };
  }

  /** Replaces the zone's entry with these keys (the ring's current ones); written shortly after. */
  put(zone: string, prs: Buffer, keys: Iterable<EpochKeys>): void {
    const epochs: Stored['epochs'] = {};
    for (const k of keys) epochs[String(k.epoch)] = { infohash: k.infohash.toString('hex'), hintKey: k.hintKey.toString('hex') };
    this.zones.set(zone, { check: check(prs), epochs });
    this.schedule();
  }

  private schedule(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => { this.timer = undefined; void this.flush(); }, this.o.writeDelayMs ?? KEY_CACHE_WRITE_DELAY_MS).unref();
  }

  /** A zone removed from the config: its keys leave the file at the next write. */
  forget(zone: string): void {
    if (this.zones.delete(zone)) this.schedule();
  }

  /** Writes pending changes now (the daemon calls it on close); never throws. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const value = Object.fromEntries(this.zones);
    this.writing = this.writing.then(() => writeJsonAtomic(this.o.path, value)).catch((err: Error) => {
      this.log.warn({ err: err.message }, 'v2 key cache not saved (the next start derives the keys again)');
    });
    return this.writing;
  }
}

function check(prs: Buffer): string {
  return createHmac('sha256', prs).update(CHECK_LABEL).digest('hex');
}

function parse(v: unknown): Map<string, Stored> {
  const out = new Map<string, Stored>();
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [zone, s] of Object.entries(v as Record<string, unknown>)) {
    if (!s || typeof s !== 'object') continue;
    const { check: c, epochs } = s as Partial<Stored>;
    if (typeof c !== 'string' || !epochs || typeof epochs !== 'object') continue;
    const ok: Stored['epochs'] = {};
    for (const [e, k] of Object.entries(epochs)) {
      if (!/^\d{1,10}$/.test(e) || !k || typeof k.infohash !== 'string' || typeof k.hintKey !== 'string') continue;
      if (!/^[0-9a-f]+$/.test(k.infohash) || !/^[0-9a-f]+$/.test(k.hintKey)) continue;
      ok[e] = { infohash: k.infohash, hintKey: k.hintKey };
    }
    out.set(zone, { check: c, epochs: ok });
  }
  return out;
}
