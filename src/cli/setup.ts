import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { wherezError } from '../errors.js';
import { recipe, type SetupTarget } from '../setup/recipes.js';
import type { CliIO } from './io.js';
import { DEFAULT_CONFIG_PATH } from './status.js';

export interface SetupArgs {
  target: SetupTarget;
  config?: string;
  apply: boolean;
  /** Prefix of the written path (default "/"): image builds and tests write into a tree of their own. */
  root: string;
  /** For backup names; injected so tests are stable. */
  now?: () => Date;
}

/**
 * `wherez setup resolved|resolver|resolv-conf`: prints the file that points the system resolver at
 * wherez; `--apply` writes it (temp file and rename), first copying any existing file to
 * `<file>.wherez-backup-<UTC time>`. Reads the config without its passphrases.
 */
export async function runSetup(a: SetupArgs, io: CliIO): Promise<number> {
  const file = a.config ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  if (file === undefined) throw wherezError('WHEREZ_ARGUMENT', `no config: pass --config FILE (${DEFAULT_CONFIG_PATH} does not exist)`);
  const { config } = await loadConfig(file, { env: io.env, readSecrets: false });
  const r = recipe(a.target, config);
  if ('error' in r) {
    io.stderr.write(`wherez setup ${a.target}: ${r.error}\n`);
    return 1;
  }
  if (!a.apply) {
    io.stdout.write(`# ${r.path}\n${r.text}# then:\n${r.then.map((t) => `#   ${t}\n`).join('')}`);
    return 0;
  }
  const dest = join(a.root, r.path);
  let backup: string | undefined;
  if (existsSync(dest)) {
    backup = `${dest}.wherez-backup-${(a.now ?? (() => new Date()))().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
    await copyFile(dest, backup);
  }
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.wherez-${process.pid}.tmp`;
  await writeFile(tmp, r.text, { mode: 0o644 });
  await rename(tmp, dest);
  io.stdout.write(`wrote ${dest}${backup ? ` (previous file kept as ${backup})` : ''}\nthen run:\n${r.then.map((t) => `  ${t}\n`).join('')}`);
  return 0;
}
