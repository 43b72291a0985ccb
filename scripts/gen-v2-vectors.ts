/**
 * Writes test/fixtures/wherez-v2-handshake-vectors.json (fixed-randomness v2 handshakes).
 * Run after a deliberate protocol change only: `npm run build && node dist/scripts/gen-v2-vectors.js`.
 */
import { writeFileSync } from 'node:fs';
import { VECTOR_CASES, computeVector } from '../test/helpers/v2-vectors.js';

const out = { note: 'wherez v2 full handshakes with fixed randomness; inputs in test/helpers/v2-vectors.ts', cases: [] as unknown[] };
for (const c of VECTOR_CASES) out.cases.push({ input: c, ...(await computeVector(c)) });
writeFileSync(new URL('../../test/fixtures/wherez-v2-handshake-vectors.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${out.cases.length} cases`);
