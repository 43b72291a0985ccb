import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { DaemonStatus } from '../daemon.js';
import { nsName, serviceName, zoneName } from '../dns/names.js';
import { isWherezError, wherezError } from '../errors.js';
import { reachableHost } from '../net/endpoint.js';
import { LISTENER_FIRST, wherezFacts, authCheck, dhtCheck, formatChecks, listenerCheck, setupFix, statusCheck, systemPathCheck, type Check, type Seen } from '../setup/doctor-checks.js';
import { addressesAt, getaddrinfo, tcpReach, txt } from '../setup/doctor-probes.js';
import { reachableListen } from '../setup/recipes.js';
import type { CliIO } from './io.js';
import { DEFAULT_CONFIG_PATH, fetchStatus, statusUrl } from './status.js';

export interface DoctorArgs {
  config?: string;
  /** Base URL of the metrics endpoint, in place of the config's `metrics`. */
  url?: string;
}

/** The daemon's /status, or why there is none. */
async function daemonStatus(a: DoctorArgs, file: string, io: CliIO): Promise<{ url: string; seen: Seen<DaemonStatus> }> {
  let url: string;
  try {
    url = await statusUrl({ url: a.url, config: file }, io);
  } catch (err) {
    if (!isWherezError(err)) throw err;
    return { url: '(none)', seen: { error: err.message } };
  }
  try { return { url, seen: { value: await fetchStatus(url) } }; } catch (err) { return { url, seen: { error: (err as Error).message } }; }
}

/** A TXT answer without wherez's facts came from some other server: an error here. */
function onlyFacts(seen: Seen<string[]>): Seen<string[]> {
  if ('error' in seen) return seen;
  const facts = wherezFacts(seen.value);
  return facts.length > 0 ? { value: facts } : { error: `answered ${JSON.stringify(seen.value)}, not wherez's peers=N` };
}

/**
 * The resolver paths: the listener answers each zone's TXT; the system resolver's res_query path
 * (resolv.conf's servers, through c-ares) gets wherez's TXT for each zone name, and getaddrinfo
 * gets the listener's own answer for `ns.<zone>` (the one name with addresses whether or not
 * discovery found anyone yet).
 */
async function resolverChecks(c: Config, file: string): Promise<Check[]> {
  const listen = reachableListen(c.listen);
  const zone = zoneName(c.domain);
  if (!listen || !zone) return [{ ok: false, line: 'no usable listen address or domain', fix: `wherez check --config ${file}` }];
  const fix = setupFix(c, file, process.platform);
  const checks: Check[] = [];
  for (const z of c.zones) {
    const name = serviceName(z.label, zone)!;
    const own = listenerCheck(listen, `${name} TXT`, onlyFacts(await txt(name, listen)), file);
    checks.push(own, systemPathCheck('res_query (resolv.conf servers)', `${name} TXT`, [], onlyFacts(await txt(name)), own.ok ? fix : LISTENER_FIRST));
  }
  const ns = nsName(zone);
  const direct = await addressesAt(ns, listen);
  if (c.zones.length === 0 || 'error' in direct) checks.push(listenerCheck(listen, `${ns} A/AAAA`, direct, file));
  const want = 'value' in direct ? direct.value : [];
  checks.push(systemPathCheck('getaddrinfo', ns, want, await getaddrinfo(ns), 'error' in direct ? LISTENER_FIRST : fix));
  return checks;
}

/** Each announcing zone's auth port takes a TCP connection from the DHT bind address. */
async function authChecks(c: Config, status: DaemonStatus | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  for (const z of c.zones) {
    if (z.announce === undefined) continue;
    const port = status?.zones.find((s) => s.label === z.label)?.authPort ?? z.authPort;
    if (port === undefined || port === 0) {
      checks.push({ ok: false, line: `zone ${z.label}: auth port unknown (auth_port: 0 and no status)`, fix: 'make the status endpoint reachable (see above), or set a fixed auth_port' });
      continue;
    }
    const to = { host: reachableHost(c.dht.bind), port };
    checks.push(authCheck(z.label, to, await tcpReach(to, c.dht.bind)));
  }
  return checks;
}

/**
 * `wherez doctor`: checks end to end that the daemon is up (status endpoint, DHT nodes, DNS
 * listener), that the system resolver reaches it for the zone names (res_query and getaddrinfo
 * paths), and that each zone's auth port is reachable. Prints each failure with its fix; exit
 * code 1 if any check failed. Reads the config without its passphrases.
 */
export async function runDoctor(a: DoctorArgs, io: CliIO): Promise<number> {
  const file = a.config ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  if (file === undefined) throw wherezError('WHEREZ_ARGUMENT', `no config: pass --config FILE (${DEFAULT_CONFIG_PATH} does not exist)`);
  const { config } = await loadConfig(file, { env: io.env, readSecrets: false });
  const { url, seen } = await daemonStatus(a, file, io);
  const status = 'value' in seen ? seen.value : undefined;
  const checks = [statusCheck(url, seen, file)];
  if (status) checks.push(dhtCheck(status, config));
  checks.push(...await resolverChecks(config, file), ...await authChecks(config, status));
  io.stdout.write(formatChecks(checks));
  return checks.every((c) => c.ok) ? 0 : 1;
}
