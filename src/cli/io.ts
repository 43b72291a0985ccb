/** What a command touches of the outside world, injected so tests drive the CLI in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM (by bin.ts) or by a test: long-running commands then stop. */
  signal: AbortSignal;
  /** Subscribes to SIGHUP (config reload); absent where there are no signals (tests in-process). */
  onReload?: (fn: () => void) => void;
}

export function processIO(signal: AbortSignal): CliIO {
  return {
    stdout: process.stdout, stderr: process.stderr, env: process.env, signal,
    onReload: (fn) => { process.on('SIGHUP', fn); },
  };
}
