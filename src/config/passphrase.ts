import { resolve } from 'node:path';
import type { Findings } from './issues.js';
import type { RawZone } from './schema.js';
import type { ConfigPath } from './yaml-lines.js';

export interface PassphraseDeps {
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => Promise<Buffer | string>;
  readonly stat: (path: string) => Promise<{ mode: number }>;
}

export interface Passphrase {
  readonly bytes: Buffer;
  /** 'file:/abs/path', 'env:NAME' or 'inline': safe to print, unlike the bytes. */
  readonly source: string;
}

const SOURCES = ['passphrase_file', 'passphrase_env', 'passphrase'] as const;

/** Permission bits that let the group or others read a file. */
const GROUP_OTHER_READ = 0o044;

/**
 * Reads a zone's passphrase from its one source. File contents are raw bytes with a single
 * trailing "\n" or "\r\n" removed (editors add one; `echo` does too), so a file holding "abc\n"
 * and an environment variable holding "abc" give the same secret. Environment and inline values
 * are UTF-8, unchanged. Problems go to `found`; the bytes never appear in a message.
 */
export async function readPassphrase(
  zone: RawZone, at: ConfigPath, deps: PassphraseDeps, found: Findings,
): Promise<Passphrase | undefined> {
  const given = SOURCES.filter((k) => zone[k] !== undefined);
  if (given.length === 0) {
    found.error(at, 'no passphrase: set one of passphrase_file, passphrase_env or passphrase', 'WHEREZ_PASSPHRASE_MISSING');
    return undefined;
  }
  if (given.length > 1) {
    found.error([...at, given[1] as string], `set exactly one passphrase source, not ${given.join(' and ')}`);
    return undefined;
  }
  if (zone.passphrase_file !== undefined) return fromFile(zone.passphrase_file, [...at, 'passphrase_file'], deps, found);
  if (zone.passphrase_env !== undefined) return fromEnv(zone.passphrase_env, [...at, 'passphrase_env'], deps, found);
  found.warn([...at, 'passphrase'],
    'the passphrase is inline: anyone who can read this file can join the zone; prefer passphrase_file (mode 600) or passphrase_env');
  return { bytes: Buffer.from(zone.passphrase as string, 'utf8'), source: 'inline' };
}

async function fromFile(file: string, at: ConfigPath, deps: PassphraseDeps, found: Findings): Promise<Passphrase | undefined> {
  const path = resolve(deps.baseDir, file);
  let bytes: Buffer;
  try {
    const content = await deps.readFile(path);
    bytes = stripOneNewline(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'read failed';
    found.error(at, `cannot read passphrase file ${path} (${why})`, 'WHEREZ_PASSPHRASE_MISSING');
    return undefined;
  }
  if (bytes.length === 0) {
    found.error(at, `passphrase file ${path} is empty`, 'WHEREZ_PASSPHRASE_MISSING');
    return undefined;
  }
  try {
    const { mode } = await deps.stat(path);
    if ((mode & GROUP_OTHER_READ) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(3, '0');
      found.warn(at, `passphrase file ${path} is readable by group or others (mode ${octal}); run: chmod 600 ${path}`);
    }
  } catch {
    // The file was just read; a failing stat only costs the permission warning.
  }
  return { bytes, source: `file:${path}` };
}

function fromEnv(name: string, at: ConfigPath, deps: PassphraseDeps, found: Findings): Passphrase | undefined {
  const value = deps.env[name];
  if (value === undefined || value === '') {
    found.error(at, `environment variable ${name} is unset or empty`, 'WHEREZ_PASSPHRASE_MISSING');
    return undefined;
  }
  return { bytes: Buffer.from(value, 'utf8'), source: `env:${name}` };
}

/** Removes one trailing "\n" or "\r\n", nothing else: leading/inner whitespace is part of the secret. */
export function stripOneNewline(b: Buffer): Buffer {
  if (b.length >= 2 && b[b.length - 2] === 0x0d && b[b.length - 1] === 0x0a) return b.subarray(0, b.length - 2);
  if (b.length >= 1 && b[b.length - 1] === 0x0a) return b.subarray(0, b.length - 1);
  return b;
}
