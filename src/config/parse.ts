import { readFile as fsReadFile, stat as fsStat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { deepFreeze } from './freeze.js';
import { Findings, formatIssue, issuesError, type Locator } from './issues.js';
import { isServiceName } from '../dns/names.js';
import { checkNamesFit, resolveHostDomain } from './names-fit.js';
import { RESOLV_CONF_PATH } from './resolv-conf.js';
import { resolveAllow, resolveDht, resolveListen, resolveMetrics } from './resolve-network.js';
import { resolveUpstreams, type ResolvConfSource } from './resolve-upstreams.js';
import { resolveZones } from './resolve-zones.js';
import { configSchema, MAX_ZONES, type RawConfig } from './schema.js';
import { schemaIssues, tooManyZones } from './schema-errors.js';
import type { Config } from './types.js';
import { lineOf } from './yaml-lines.js';
import { readYaml } from './yaml-read.js';

export interface ParseOptions {
  /** The file name used in messages (`file:line`). */
  readonly file: string;
  /** Relative `state_dir` and `passphrase_file` resolve against this directory. */
  readonly baseDir: string;
  /** Where `passphrase_env` looks; never process.env implicitly. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (path: string) => Promise<Buffer | string>;
  readonly stat?: (path: string) => Promise<{ mode: number }>;
  /** resolv.conf text; when absent, `resolvConfPath` is read (only if upstreams are omitted). */
  readonly resolvConf?: string;
  readonly resolvConfPath?: string;
  /**
   * false: passphrases are not read (zones get an empty one). For tools such as `wherez status`
   * that need the daemon's addresses but may not read its credentials. Never serve such a config.
   */
  readonly readSecrets?: boolean;
}

export interface LoadedConfig {
  /** Deep-frozen (except the passphrase Buffers). */
  readonly config: Config;
  /** `file:line: path: message` lines for the caller to log; they never contain a secret. */
  readonly warnings: readonly string[];
}

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, useDefaults: true, strict: true, verbose: true }).compile(configSchema);
  return compiled;
}

/**
 * YAML text -> validated, resolved, frozen Config. Throws one WherezError listing every problem
 * with its path and line: schema problems first (as WHEREZ_CONFIG_INVALID); when the shape is
 * right, every semantic problem at once (the code is the most fundamental one found).
 */
export async function parseConfig(text: string, opts: ParseOptions): Promise<LoadedConfig> {
  const { doc, lines, data } = readYaml(text, opts.file);
  const where: Locator = { file: opts.file, lineOf: (path) => lineOf(doc, lines, path) };
  // Before the schema: checking 100,000 zones one by one only to say there are too many wastes seconds.
  const zoneCount = countZones(data);
  if (zoneCount > MAX_ZONES) throw issuesError([{ path: ['zones'], message: tooManyZones(zoneCount) }], where);
  const validate = validator();
  if (!validate(data)) throw issuesError(schemaIssues(validate.errors ?? [], data), where);
  const raw = data as RawConfig;

  const readFile = opts.readFile ?? ((p: string) => fsReadFile(p));
  const baseDir = resolve(opts.baseDir);
  const found = new Findings();
  const domain = raw.domain.toLowerCase();
  checkNamesFit(domain, Object.entries(raw.zones).map(([label, z]) =>
    ({ label, service: z.service ?? (isServiceName(label) ? label : undefined), proto: z.proto })), found);
  const hostDomain = resolveHostDomain(raw.host_domain, domain, found);
  const listen = resolveListen(raw.listen, found);
  const allow = resolveAllow(raw.allow, found);
  const dht = resolveDht(raw.dht, listen, found);
  const metrics = resolveMetrics(raw.metrics, listen, found);
  const upstreams = await resolveUpstreams(raw.upstreams, raw.forward, listen, resolvConfSource(opts, readFile), found);
  const zones = await resolveZones(raw, listen, {
    baseDir, env: opts.env, readFile, stat: opts.stat ?? ((p: string) => fsStat(p)),
  }, found, opts.readSecrets ?? true);
  if (found.issues.length > 0) throw issuesError(found.issues, where);

  const config: Config = {
    listen,
    domain,
    forward: raw.forward,
    upstreams,
    allow,
    negativeTtl: raw.negative_ttl,
    maxTtl: raw.max_ttl,
    stateDir: resolve(baseDir, raw.state_dir),
    logLevel: raw.log_level,
    dht,
    metrics,
    hostDomain,
    zones,
  };
  return deepFreeze({ config, warnings: found.warnings.map((w) => formatIssue(w, where)) });
}

function countZones(data: unknown): number {
  const zones = data !== null && typeof data === 'object' ? (data as { zones?: unknown }).zones : undefined;
  return zones !== null && typeof zones === 'object' && !Array.isArray(zones) ? Object.keys(zones).length : 0;
}

function resolvConfSource(opts: ParseOptions, readFile: (p: string) => Promise<Buffer | string>): ResolvConfSource {
  const path = opts.resolvConfPath ?? RESOLV_CONF_PATH;
  return {
    path,
    async read() {
      if (opts.resolvConf !== undefined) return { text: opts.resolvConf };
      try {
        return { text: (await readFile(path)).toString() };
      } catch (err) {
        return { error: (err as NodeJS.ErrnoException).code ?? 'read failed' };
      }
    },
  };
}
