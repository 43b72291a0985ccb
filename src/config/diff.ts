import { isDeepStrictEqual } from 'node:util';
import type { Config, ZoneConfig } from './types.js';

/** Settings a reload applies to the running DNS server (listeners rebound, responder swapped). */
export const DNS_RELOAD_KEYS = ['listen', 'forward', 'upstreams', 'allow', 'negativeTtl', 'maxTtl'] as const;
/** Settings a reload applies to the process's loggers (the root and every component's child). */
export const LOG_RELOAD_KEYS = ['logLevel'] as const;
/** Settings that need a restart: the DHT socket and identity, names every answer is built on, the metrics socket. */
export const RESTART_KEYS = ['domain', 'stateDir', 'dht', 'metrics', 'hostDomain'] as const;
/** A top-level config field (camelCase) as the YAML spells it: what `check` and the reload log name. */
export const yamlKey = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** What a SIGHUP applies, in the order `wherez check` lists it (zones first). */
export const RELOAD_KEYS = ['zones', ...DNS_RELOAD_KEYS, ...LOG_RELOAD_KEYS] as const;

export interface ConfigDiff {
  /** Top-level keys (camelCase) that changed but only take effect after a restart. */
  restartNeeded: string[];
  /** DNS settings (camelCase) that changed and are applied by the reload. */
  dnsChanged: string[];
  /** The new log level, when it changed (applied by the reload); undefined otherwise. */
  logLevel: string | undefined;
  added: ZoneConfig[];
  removed: string[];
  /** Zones whose passphrase, ports, TTL or min peers changed: their discovery is restarted. */
  changed: ZoneConfig[];
}

function sameZone(a: ZoneConfig, b: ZoneConfig): boolean {
  return a.passphrase.equals(b.passphrase) && a.announce === b.announce && a.authPort === b.authPort &&
    a.ttl === b.ttl && a.minPeers === b.minPeers && a.protocol === b.protocol &&
    isDeepStrictEqual(a.externalAddresses, b.externalAddresses);
}

/** What a reload from `prev` to `next` must do. Pure; never looks at passphrase bytes beyond equality. */
export function diffConfig(prev: Config, next: Config): ConfigDiff {
  const restartNeeded = RESTART_KEYS.filter((k) => !isDeepStrictEqual(prev[k], next[k]));
  const dnsChanged = DNS_RELOAD_KEYS.filter((k) => !isDeepStrictEqual(prev[k], next[k]));
  const before = new Map(prev.zones.map((z) => [z.label, z]));
  const after = new Set(next.zones.map((z) => z.label));
  return {
    restartNeeded,
    dnsChanged,
    logLevel: prev.logLevel === next.logLevel ? undefined : next.logLevel,
    added: next.zones.filter((z) => !before.has(z.label)),
    removed: prev.zones.filter((z) => !after.has(z.label)).map((z) => z.label),
    changed: next.zones.filter((z) => { const old = before.get(z.label); return old !== undefined && !sameZone(old, z); }),
  };
}
