import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';

/** test/fixtures/config in the source tree (tests run from dist/). */
export const CONFIG_FIXTURES = join(FIXTURES_DIR, 'config');

export function configFixture(...parts: string[]): string {
  return join(CONFIG_FIXTURES, ...parts);
}

export function readConfigFixture(...parts: string[]): string {
  return readFileSync(configFixture(...parts), 'utf8');
}
