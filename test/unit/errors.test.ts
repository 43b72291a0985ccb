import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ERROR_CODES, wherezError } from '../../src/errors.js';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

test('docs/errors.md lists exactly the codes of ERROR_CODES', async () => {
  const doc = await readFile(DOC, 'utf8');
  const documented = [...doc.matchAll(/^\| `(WHEREZ_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, Object.keys(ERROR_CODES).sort());
});

test('every message starts with its code', () => {
  for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
    assert.ok(wherezError(code).message.startsWith(`${code}: `), code);
  }
});
