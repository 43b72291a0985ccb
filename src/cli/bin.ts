#!/usr/bin/env node
import { main } from './main.js';
import { processIO } from './io.js';

/**
 * After SIGINT/SIGTERM the command has this long to close everything and let the process end by
 * itself; past it (a step stuck in the kernel, such as a read from a FIFO) the process exits anyway.
 */
const EXIT_GRACE_MS = 5_000;
const EXIT_CODE_OF = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Installed when a command first asks for its abort signal: only the commands that hold sockets
 * (serve, find, testnet, demo) do. The others (check, status) keep the default disposition, so a
 * signal ends them at once even in the middle of synchronous work such as parsing a big config.
 * The first SIGINT/SIGTERM aborts the command, which then closes everything in reverse order;
 * a second one exits at once.
 */
function signalOnInterrupt(): AbortSignal {
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stop.signal.aborted) process.exit(EXIT_CODE_OF[sig]);
      stop.abort();
      setTimeout(() => {
        process.stderr.write(`wherez: still running ${EXIT_GRACE_MS} ms after ${sig}; exiting\n`);
        process.exit(process.exitCode ?? EXIT_CODE_OF[sig]);
      }, EXIT_GRACE_MS).unref();
    });
  }
  return stop.signal;
}

process.exitCode = await main(process.argv.slice(2), processIO(signalOnInterrupt));
