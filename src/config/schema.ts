/**
 * The one schema of the YAML configuration (JSON Schema draft-07, checked by ajv with
 * `useDefaults`, so the defaults below are filled in by validation). Every object rejects
 * unknown keys. Checks a schema cannot express well (IP literals, CIDRs, cross-field rules,
 * passphrase sources) live in the resolve-*.ts files and report in the same format.
 */

import { formatEndpoint, type Endpoint } from '../net/endpoint.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * The public Mainline DHT routers, the one list (the config default, `find`, the library); for
 * real use only (tests always pass a loopback list).
 */
export const PUBLIC_BOOTSTRAP: readonly Readonly<Endpoint>[] = Object.freeze([
  { host: 'router.bittorrent.com', port: 6881 }, { host: 'router.utorrent.com', port: 6881 }, { host: 'dht.transmissionbt.com', port: 6881 },
].map((e) => Object.freeze(e)));

export const DEFAULTS = {
  listen: ['127.0.0.1:53'],
  domain: 'local',
  forward: true,
  allow: ['127.0.0.0/8', '::1/128'],
  negative_ttl: 5,
  max_ttl: 300,
  state_dir: '/var/lib/wherez',
  log_level: 'info',
  // The YAML form of PUBLIC_BOOTSTRAP (the schema fills in defaults before parsing).
  dht: { bind: '0.0.0.0', port: 6881, bootstrap: PUBLIC_BOOTSTRAP.map(formatEndpoint) },
  zone: { ttl: 30, min_peers: 1, proto: 'tcp', protocol: 'v2' },
} as const;

/**
 * Most zones one daemon serves. Well above the 1,000 a daemon must handle well; each zone costs
 * DHT lookups and, when announcing, a TCP listener and a port, so more belong in another daemon.
 */
export const MAX_ZONES = 10_000;

/** Largest TTL we accept anywhere (one day), seconds. */
export const MAX_TTL_LIMIT_S = 86400;

/** Lower-case letters, digits, hyphens; 1-62 (the name carries it as `_<label>`, and a DNS label is at most 63 bytes); no hyphen at either end. */
export const ZONE_LABEL_PATTERN = '^[a-z0-9]([a-z0-9-]{0,60}[a-z0-9])?$';
const DOMAIN_LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
export const DOMAIN_PATTERN = `^${DOMAIN_LABEL}(\\.${DOMAIN_LABEL})*$`;
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/**
 * RFC 6335 5.1 service name: 1-15 letters, digits and hyphens, at least one letter, no hyphen at
 * either end nor two in a row. Lower case here, as zone labels are (names compare case-blind anyway).
 */
export const SERVICE_NAME_PATTERN = '^(?=[a-z0-9-]{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$';
export const PROTOS = ['tcp', 'udp'] as const;
/** Discovery handshakes: v2 (PAKE, attested addresses), v1 (the 2014 Go protocol), or both. */
export const PROTOCOLS = ['v1', 'v2', 'both'] as const;

/** The document as it stands after schema validation (snake_case, defaults filled in). */
export interface RawZone {
  passphrase_file?: string;
  passphrase_env?: string;
  passphrase?: string;
  announce?: number;
  auth_port?: number;
  ttl: number;
  min_peers: number;
  service?: string;
  proto: (typeof PROTOS)[number];
  protocol: (typeof PROTOCOLS)[number];
  external_addresses?: string[];
}

export interface RawConfig {
  listen: string[];
  domain: string;
  forward: boolean;
  upstreams?: string[];
  allow: string[];
  negative_ttl: number;
  max_ttl: number;
  state_dir: string;
  log_level: (typeof LOG_LEVELS)[number];
  dht: { bind: string; port: number; bootstrap: string[] };
  metrics?: string;
  host_domain?: string;
  zones: Record<string, RawZone>;
}

const port = (minimum: number, description: string) => ({ type: 'integer', minimum, maximum: 65535, description });
const ttl = (dflt: number, description: string) =>
  ({ type: 'integer', minimum: 0, maximum: MAX_TTL_LIMIT_S, default: dflt, description });
const stringList = (dflt: readonly string[] | undefined, description: string) => ({
  type: 'array',
  items: { type: 'string', minLength: 1 },
  ...(dflt === undefined ? {} : { default: [...dflt] }),
  description,
});

export const zoneSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    passphrase_file: { type: 'string', minLength: 1, description: 'file holding the passphrase (relative to the config file)' },
    passphrase_env: { type: 'string', pattern: ENV_NAME_PATTERN, description: 'environment variable holding the passphrase' },
    passphrase: { type: 'string', minLength: 1, description: 'inline passphrase (warns: prefer a file or env)' },
    announce: port(1, 'application port this host offers; omit to discover only'),
    auth_port: port(0, 'TCP port of the auth listener, announced in the DHT (0 = ephemeral)'),
    ttl: ttl(DEFAULTS.zone.ttl, 'upper bound of answer TTLs for this zone, seconds'),
    min_peers: { type: 'integer', minimum: 1, maximum: 1000, default: DEFAULTS.zone.min_peers, description: 'below this many peers, search faster' },
    service: { type: 'string', pattern: SERVICE_NAME_PATTERN, description: 'RFC 6335 service name: names _<service>._<proto>._wherez.<domain> (default: the label)' },
    proto: { type: 'string', enum: [...PROTOS], default: DEFAULTS.zone.proto, description: 'transport in the RFC 2782 name _<service>._<proto>' },
    protocol: { type: 'string', enum: [...PROTOCOLS], default: DEFAULTS.zone.protocol, description: 'discovery handshake: v2, v1 (Go wherez nodes) or both (migration)' },
    external_addresses: { ...stringList(undefined, 'IP addresses the v2 auth listener also attests (NAT with port forwarding)'), maxItems: 16 },
  },
  dependencies: { announce: ['auth_port'] },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: { ...stringList(DEFAULTS.listen, 'DNS listen endpoints, IP[:port] or [IPv6][:port]'), minItems: 1 },
    domain: { type: 'string', maxLength: 253, pattern: DOMAIN_PATTERN, default: DEFAULTS.domain, description: 'names live under _wherez.<domain>' },
    forward: { type: 'boolean', default: DEFAULTS.forward, description: 'forward other names upstream (false: refuse them)' },
    upstreams: stringList(undefined, 'upstream resolvers, IP[:port]; omitted: /etc/resolv.conf'),
    allow: stringList(DEFAULTS.allow, 'client CIDRs allowed to query'),
    negative_ttl: ttl(DEFAULTS.negative_ttl, 'TTL of negative answers, seconds'),
    max_ttl: ttl(DEFAULTS.max_ttl, 'no answer TTL exceeds this, seconds'),
    state_dir: { type: 'string', minLength: 1, default: DEFAULTS.state_dir, description: 'state directory (relative to the config file)' },
    log_level: { type: 'string', enum: [...LOG_LEVELS], default: DEFAULTS.log_level, description: 'pino log level' },
    host_domain: { type: 'string', maxLength: 200, pattern: DOMAIN_PATTERN, description: 'also serve peer host names h-<address>.<host_domain> (no underscore) and use them as SRV targets' },
    metrics: { type: 'string', minLength: 1, description: 'IP:port of the HTTP endpoint for /metrics (Prometheus) and /status (JSON); omitted: off' },
    dht: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bind: { type: 'string', minLength: 1, default: DEFAULTS.dht.bind, description: 'IP of the DHT socket and the auth listeners' },
        port: { ...port(0, 'UDP port of the DHT node (0 = ephemeral)'), default: DEFAULTS.dht.port },
        bootstrap: stringList(DEFAULTS.dht.bootstrap, 'host:port of bootstrap nodes; [] = standalone node'),
      },
    },
    zones: {
      type: 'object',
      default: {},
      propertyNames: { pattern: ZONE_LABEL_PATTERN },
      maxProperties: MAX_ZONES,
      additionalProperties: zoneSchema,
      description: 'zones by DNS label',
    },
  },
} as const;
