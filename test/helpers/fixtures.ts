import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Tests run from dist/test/...; fixtures stay in the source tree's test/fixtures. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

export function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, name));
}

export function readJsonFixture<T>(name: string): T {
  return JSON.parse(readFixture(name).toString('utf8')) as T;
}
