import { RELOAD_KEYS, RESTART_KEYS, yamlKey } from '../config/diff.js';
import { formatEndpoint } from '../net/endpoint.js';
import { weakPassphraseWarnings } from '../config/passphrase-strength.js';
import { loadConfig } from '../config/load.js';
import type { Config, ZoneConfig } from '../config/types.js';
import { isWherezError } from '../errors.js';

export interface CheckIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * `wherez check`: validates the config file and prints what it would serve. Warnings go to
 * stderr, the summary to stdout; passphrases appear by source only. Exit code 0 valid, 1 not.
 */
export async function runCheck(args: { config: string }, io: CheckIO): Promise<number> {
  let loaded;
  try {
    loaded = await loadConfig(args.config, { env: io.env });
  } catch (err) {
    if (!isWherezError(err)) throw err;
    io.stderr.write(`${err.message}\n`);
    return 1;
  }
  for (const w of [...loaded.warnings, ...await weakPassphraseWarnings(loaded.config.zones)]) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(summary(args.config, loaded.config));
  return 0;
}

export function summary(file: string, c: Config): string {
  const list = (xs: readonly string[]) => (xs.length === 0 ? '(none)' : xs.join(', '));
  const lines = [
    `${file}: ok`,
    `listen     ${list(c.listen.map(formatEndpoint))} (UDP and TCP)`,
    `domain     ${c.domain} (names under _wherez.${c.domain})`,
    c.forward
      ? `forward    yes, to ${list(c.upstreams.map(formatEndpoint))}`
      : `forward    no: names outside _wherez.${c.domain} are refused`,
    `allow      ${list(c.allow)}`,
    `ttl        max ${c.maxTtl}s, negative ${c.negativeTtl}s`,
    `dht        ${formatEndpoint({ host: c.dht.bind, port: c.dht.port })}, bootstrap ${
      c.dht.bootstrap.length === 0 ? '(none: standalone node)' : list(c.dht.bootstrap.map(formatEndpoint))}`,
    `state_dir  ${c.stateDir}`,
    `log_level  ${c.logLevel}`,
    `zones      ${c.zones.length === 0 ? '(none: forwarding only)' : c.zones.length}`,
    ...c.zones.map((z) => `  ${zoneLine(z, c.domain)}`),
    ...sharedServices(c),
    ...(c.hostDomain === undefined ? [] : [`hosts      h-<address>.${c.hostDomain} (SRV targets; no underscore)`]),
    `reload     SIGHUP applies ${RELOAD_KEYS.map(yamlKey).join(', ')}; a restart is needed for ${RESTART_KEYS.map(yamlKey).join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

function zoneLine(z: ZoneConfig, domain: string): string {
  const role = z.announce === undefined
    ? 'discover only'
    : `announce ${z.announce}, auth TCP ${z.authPort === 0 ? 'ephemeral' : String(z.authPort)}`;
  const zone = `_wherez.${domain}`;
  const names = z.service === undefined
    ? '(no RFC 6335 service name: set service for _<service>._<proto> names)'
    : `_${z.service}._${z.proto}.${zone}, _${z.service}._${z.proto}.${z.label}.${zone}`;
  return `_${z.label}.${zone}  ${role}, ttl ${z.ttl}s, min_peers ${z.minPeers}, passphrase ${z.passphraseSource}\n    names ${names}`;
}

/** Zones sharing `_<service>._<proto>`: that name answers the union of their peers (said, never silent). */
function sharedServices(c: Config): string[] {
  const by = new Map<string, string[]>();
  for (const z of c.zones) {
    if (z.service === undefined) continue;
    const name = `_${z.service}._${z.proto}._wherez.${c.domain}`;
    by.set(name, [...(by.get(name) ?? []), z.label]);
  }
  return [...by].filter(([, labels]) => labels.length > 1).map(([name, labels]) => `  ${name} answers the union of zones ${labels.join(', ')}`);
}
