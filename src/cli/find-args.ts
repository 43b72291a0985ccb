import { Ajv } from 'ajv';
import { dhtBindProblem } from '../config/resolve-network.js';
import { configSchema, zoneSchema } from '../config/schema.js';
import { schemaIssues } from '../config/schema-errors.js';
import { wherezError } from '../errors.js';

/**
 * `wherez find` takes the values a config takes, so it checks them with the config's own schema
 * fragments (DHT port, zone min_peers, announce port) and the same bind rule: `--port abc` or an
 * app port of 70000 is an error here exactly as in a config file, never a random port or a wrap.
 */
const findArgsSchema = {
  type: 'object',
  properties: {
    port: configSchema.properties.dht.properties.port,
    'min-peers': zoneSchema.properties.min_peers,
    appPort: zoneSchema.properties.announce,
    count: { type: 'integer', minimum: 0 },
  },
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;

export interface FindNumbers { port: number; minPeers: number; appPort: number; count: number; bind: string }

/** Throws WHEREZ_ARGUMENT naming the option and the rule; a negative appPort means discover only (as in Go). */
export function checkFindArgs(a: FindNumbers): void {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(findArgsSchema);
  // NaN (yargs' value for "abc") is not JSON: pass it as a string so the type check names it.
  const num = (n: number) => (Number.isNaN(n) ? 'not a number' : n);
  const data: Record<string, unknown> = { port: num(a.port), 'min-peers': num(a.minPeers), count: num(a.count) };
  if (Number.isNaN(a.appPort) || a.appPort >= 0) data.appPort = num(a.appPort);
  const problems: string[] = [];
  if (!compiled(data)) {
    for (const issue of schemaIssues(compiled.errors ?? [], data)) {
      const name = String(issue.path[0]);
      problems.push(`${name === 'appPort' ? 'appPort' : `--${name}`} ${issue.message}`);
    }
  }
  const bind = dhtBindProblem(a.bind);
  if (bind !== undefined) problems.push(`--bind ${bind}`);
  if (problems.length > 0) throw wherezError('WHEREZ_ARGUMENT', problems.join('; '));
}
