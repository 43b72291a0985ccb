import { readFile as fsReadFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { wherezError } from '../errors.js';
import { parseConfig, type LoadedConfig, type ParseOptions } from './parse.js';

export { parseConfig, type LoadedConfig, type ParseOptions } from './parse.js';

export interface LoadDeps {
  readonly readFile?: (path: string) => Promise<Buffer | string>;
  readonly stat?: (path: string) => Promise<{ mode: number }>;
  /** Where passphrase_env looks. Not defaulted to process.env: the caller (the CLI) passes it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default /etc/resolv.conf; read only when `upstreams` is omitted and `forward` is true. */
  readonly resolvConfPath?: string;
  /** false: skip passphrases (see ParseOptions.readSecrets). */
  readonly readSecrets?: boolean;
}

/**
 * Reads and parses the configuration file at `path`. Relative paths inside it resolve against
 * its directory. Throws WHEREZ_CONFIG_READ when the file cannot be read or is not YAML, and the
 * codes of parseConfig otherwise.
 */
export async function loadConfig(path: string, deps: LoadDeps = {}): Promise<LoadedConfig> {
  const readFile = deps.readFile ?? ((p: string) => fsReadFile(p));
  const absolute = resolve(path);
  let text: string;
  try {
    text = (await readFile(absolute)).toString();
  } catch (err) {
    throw wherezError('WHEREZ_CONFIG_READ', `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'read failed'})`, err);
  }
  const opts: ParseOptions = {
    file: path, baseDir: dirname(absolute), env: deps.env ?? {}, readFile, stat: deps.stat, resolvConfPath: deps.resolvConfPath, readSecrets: deps.readSecrets,
  };
  return parseConfig(text, opts);
}
