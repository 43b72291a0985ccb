/** What a command touches of the outside world, injected so tests drive the CLI in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /**
   * Aborted on SIGINT/SIGTERM (by bin.ts) or by a test: long-running commands then stop. Only
   * commands that need to close something read it (reading it installs the signal handlers).
   */
  signal: AbortSignal;
  /** Subscribes to SIGHUP (config reload); absent where there are no signals (tests in-process). */
  onReload?: (fn: () => void) => void;
}

/** The real process; `makeSignal` runs once, when a command first reads `signal`. */
export function processIO(makeSignal: () => AbortSignal): CliIO {
  let signal: AbortSignal | undefined;
  return {
    stdout: process.stdout, stderr: process.stderr, env: process.env,
    get signal() { signal ??= makeSignal(); return signal; },
    onReload: (fn) => { process.on('SIGHUP', fn); },
  };
}
