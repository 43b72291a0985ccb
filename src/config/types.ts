/**
 * The resolved, validated, frozen configuration that `config/load.ts` produces and every other
 * module receives. Field names are camelCase here; the YAML keys are snake_case (see schema.ts).
 */
import type { Endpoint } from '../net/endpoint.js';

export interface ZoneConfig {
  /** DNS label: names become `_<label>._wherez.<domain>`. LDH, 1-62 bytes (63 with its underscore), lower case. */
  readonly label: string;
  /** The shared secret (raw bytes). Never logged, never put in metrics or error messages. */
  readonly passphrase: Buffer;
  /** Where the passphrase came from, for messages: 'file:/path', 'env:NAME' or 'inline'. */
  readonly passphraseSource: string;
  /** Application port this host offers for the zone; undefined = discover only. */
  readonly announce: number | undefined;
  /** TCP port of this zone's auth listener, announced in the DHT (required with announce). */
  readonly authPort: number | undefined;
  /** Upper bound of the TTL of answers about this zone's peers, seconds. */
  readonly ttl: number;
  /** Below this many verified peers discovery searches faster. */
  readonly minPeers: number;
  /** Discovery handshake(s) this zone speaks; v2 by default. */
  readonly protocol: 'v1' | 'v2' | 'both';
  /** Addresses the v2 listener attests besides its own (canonical IPs). */
  readonly externalAddresses: readonly string[];
  /**
   * RFC 6335 service name of the RFC 2782 names `_<service>._<proto>._wherez.<domain>`; the label
   * by default. undefined when the label is no valid service name and none was set: the zone then
   * has only its `_<label>` names.
   */
  readonly service: string | undefined;
  readonly proto: 'tcp' | 'udp';
}

export interface Config {
  /** UDP and TCP DNS listeners. */
  readonly listen: readonly Endpoint[];
  /** Names live under `_wherez.<domain>`. */
  readonly domain: string;
  /** false: split-DNS mode, names outside the zone get REFUSED. */
  readonly forward: boolean;
  /** Upstream resolvers for names outside the zone. */
  readonly upstreams: readonly Endpoint[];
  /** Clients allowed to query, as CIDR strings (default loopback only). */
  readonly allow: readonly string[];
  /** TTL of negative answers (NXDOMAIN/NODATA) and SOA minimum, seconds. */
  readonly negativeTtl: number;
  /** No answer TTL exceeds this, seconds. */
  readonly maxTtl: number;
  /** Absolute path of the state directory (DHT node id, routing table). */
  readonly stateDir: string;
  readonly logLevel: string;
  readonly dht: {
    readonly bind: string;
    readonly port: number;
    readonly bootstrap: readonly Endpoint[];
  };
  /**
   * When set, peers also get host names `h-<address>.<hostDomain>` (no underscore, for strict URL
   * parsers) and SRV targets use them. Lower case.
   */
  readonly hostDomain: string | undefined;
  /** HTTP endpoint for /metrics and /status; undefined = off. */
  readonly metrics: Endpoint | undefined;
  readonly zones: readonly ZoneConfig[];
}
