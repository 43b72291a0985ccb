#!/usr/bin/env node
import { main } from './main.js';
import { processIO } from './io.js';

/**
 * After SIGINT/SIGTERM the command has this long to close everything and let the process end by
 * itself; past it (a step stuck in the kernel, such as a read from a FIFO) the process exits anyway.
 */
const EXIT_GRACE_MS = 5_000;

// The first SIGINT/SIGTERM aborts the running command, which then closes everything in reverse
// order; a second one exits at once.
const stop = new AbortController();
const exitCodeOf = { SIGINT: 130, SIGTERM: 143 } as const;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stop.signal.aborted) process.exit(exitCodeOf[sig]);
    stop.abort();
    setTimeout(() => {
      process.stderr.write(`wherez: still running ${EXIT_GRACE_MS} ms after ${sig}; exiting\n`);
      process.exit(process.exitCode ?? exitCodeOf[sig]);
    }, EXIT_GRACE_MS).unref();
  });
}
process.exitCode = await main(process.argv.slice(2), processIO(stop.signal));
