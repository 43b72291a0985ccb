import assert from 'node:assert/strict';
import { parseConfig, type LoadedConfig, type ParseOptions } from '../../../src/config/load.js';
import { isWherezError, type ErrorCode, type WherezError } from '../../../src/errors.js';

/** A bootstrap list for tests: never the public routers. */
export const LOOPBACK_BOOTSTRAP = 'dht: { bootstrap: ["127.0.0.1:20000"] }\n';

export interface FakeFs {
  files?: Record<string, string | Buffer>;
  modes?: Record<string, number>;
}

/**
 * parseConfig with an in-memory file system (paths are absolute under /etc/wherez), an empty
 * env and a resolv.conf of `nameserver 10.0.0.53`, unless overridden.
 */
export function parse(text: string, opts: Partial<ParseOptions> & FakeFs = {}): Promise<LoadedConfig> {
  const files = opts.files ?? {};
  const modes = opts.modes ?? {};
  const enoent = (p: string) => Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
  return parseConfig(text, {
    file: 'zones.yaml',
    baseDir: '/etc/wherez',
    env: {},
    resolvConf: 'nameserver 10.0.0.53\n',
    readFile: async (p) => {
      const f = files[p];
      if (f === undefined) throw enoent(p);
      return f;
    },
    stat: async (p) => {
      if (files[p] === undefined) throw enoent(p);
      return { mode: modes[p] ?? 0o100600 };
    },
    ...opts,
  });
}

/** Awaits a rejection and checks its code and that the message names `path` at `zones.yaml:line`. */
export async function rejects(p: Promise<unknown>, code: ErrorCode, path: string, line: number): Promise<WherezError> {
  const err = await p.then(() => assert.fail(`expected ${code} at ${path}`), (e: unknown) => e);
  assert.ok(isWherezError(err, code), `expected ${code}, got ${String(err)}`);
  assert.ok(err.message.startsWith(`${code}: `), err.message);
  assert.match(err.message, new RegExp(`zones\\.yaml:${line}: ${escape(path)}: `), err.message);
  return err;
}

export function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The lines of a YAML document, joined: keeps line numbers in tests easy to count. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
