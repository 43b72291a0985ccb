#!/usr/bin/env node
import { main } from './main.js';
import { processIO } from './io.js';

// SIGINT/SIGTERM abort the running command, which then closes everything in reverse order.
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
process.exitCode = await main(process.argv.slice(2), processIO(stop.signal));
