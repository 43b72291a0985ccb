import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { canonicalIp, endpointsCollide } from '../net/endpoint.js';
import { passwordBytes } from '../discovery/v2/keys.js';
import type { Findings } from './issues.js';
import { readPassphrase, type PassphraseDeps } from './passphrase.js';
import { isServiceName } from '../dns/names.js';
import type { RawConfig } from './schema.js';
import type { ZoneConfig } from './types.js';
import type { Endpoint } from '../net/endpoint.js';

/**
 * Builds the zones in file order. Each auth listener binds TCP `dht.bind:auth_port` and zones with
 * the same auth_port share it (v2 tells zones apart by the zone hint). v1 has no hint, so at most
 * one v1 or both zone per non-zero auth_port (port 0: such zones get ports of their own). It must
 * not collide with a DNS listener (DNS also listens on TCP); it may equal dht.port: the DHT is
 * UDP, as in the Go wherez.
 */
export async function resolveZones(
  raw: RawConfig, listen: readonly Endpoint[], deps: PassphraseDeps, found: Findings, readSecrets = true,
): Promise<ZoneConfig[]> {
  const zones: ZoneConfig[] = [];
  /** The v1 or both zone of each non-zero auth port. */
  const v1Owner = new Map<number, string>();
  /** Zones by (shared auth port, passphrase digest): two zones the hint cannot tell apart. */
  const hintTwin = new Map<string, string>();
  for (const [label, z] of Object.entries(raw.zones)) {
    const at = ['zones', label];
    const pass = readSecrets ? await readPassphrase(z, at, deps, found) : { bytes: Buffer.alloc(0), source: 'not read' };
    if (z.auth_port !== undefined && z.auth_port !== 0) {
      const other = v1Owner.get(z.auth_port);
      if (z.protocol !== 'v2' && other !== undefined) {
        found.error([...at, 'auth_port'], `port ${z.auth_port} is already the auth_port of zone ${other}, which speaks v1 too: v1 has no zone hint, so at most one v1 or both zone per auth_port (v2 zones may share it)`);
      } else if (z.protocol !== 'v2') v1Owner.set(z.auth_port, label);
      const clash = listen.findIndex((l) => endpointsCollide(l, { host: raw.dht.bind, port: z.auth_port as number }));
      if (clash >= 0) found.error([...at, 'auth_port'], `TCP ${raw.dht.bind}:${z.auth_port} collides with the DNS listener listen[${clash}]`);
    }
    if (z.auth_port !== undefined && z.announce === undefined) {
      found.warn([...at, 'auth_port'], 'unused without announce: peers only probe the auth port of hosts that announce');
    }
    if (z.service === undefined && !isServiceName(label)) {
      found.warn(at, `label is no RFC 6335 service name (1-15 letters, digits, inner hyphens, a letter): set service to also serve _<service>._${z.proto}._wherez.<domain>`);
    }
    if (z.ttl > raw.max_ttl) found.warn([...at, 'ttl'], `exceeds max_ttl (${raw.max_ttl}); answers are capped at ${raw.max_ttl}`);
    const external: string[] = [];
    for (const [i, a] of (z.external_addresses ?? []).entries()) {
      if (isIP(a.replace(/%.*$/, '')) === 0 || a.includes('%')) found.error([...at, 'external_addresses', String(i)], `${a} is not an IP address`);
      else external.push(canonicalIp(a));
    }
    if (z.external_addresses !== undefined && z.protocol === 'v1') {
      found.warn([...at, 'external_addresses'], 'unused with protocol v1: only v2 attests addresses');
    }
    if (z.protocol !== 'v2') {
      found.warn([...at, 'protocol'], `${z.protocol} speaks v1: this passphrase is open to v1's cheap offline attacks; once every member runs v2, set protocol: v2 and then change the passphrase`);
    }
    if (pass === undefined) continue;
    const prs = readSecrets && z.protocol !== 'v1' ? passwordBytes(pass.bytes) : null;
    if (readSecrets && z.protocol !== 'v1' && prs === null) {
      found.error([...at], 'a v2 passphrase must be 1..1024 bytes (UTF-8, after NFC normalization)');
      continue;
    }
    const port = sharedAuthPort(z);
    if (prs !== null && port !== undefined) {
      const key = `${port}|${createHash('sha256').update(prs).digest('hex')}`;
      const twin = hintTwin.get(key);
      if (twin !== undefined) found.error([...at, 'auth_port'], `zone ${twin} on the same auth port has the same passphrase: the zone hint cannot tell them apart`);
      else hintTwin.set(key, label);
    }
    zones.push({
      label,
      passphrase: pass.bytes,
      passphraseSource: pass.source,
      announce: z.announce,
      authPort: z.auth_port,
      ttl: z.ttl,
      minPeers: z.min_peers,
      service: z.service ?? (isServiceName(label) ? label : undefined),
      proto: z.proto,
      protocol: z.protocol,
      externalAddresses: external,
    });
  }
  return zones;
}

/** The auth port a v2 zone's listener shares with others (0: the daemon's shared ephemeral one); undefined when it has none or shares none. */
function sharedAuthPort(z: RawConfig['zones'][string]): number | undefined {
  if (z.announce === undefined || z.auth_port === undefined || z.protocol === 'v1') return undefined;
  if (z.auth_port !== 0) return z.auth_port;
  return z.protocol === 'v2' ? 0 : undefined;
}
