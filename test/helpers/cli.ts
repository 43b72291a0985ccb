import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

export const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

export interface Running {
  child: ChildProcess;
  /** Resolves with the first stdout line matching `re` (its match), rejects after timeoutMs. */
  line(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  lines: string[];
  stderr: () => string;
  /** Resolves with the exit code once the process ends by itself. */
  exited(): Promise<number | null>;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs the built CLI as a child process, as a user would from a shell. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, netns?: string): Running {
  return runNode([BIN, ...args], env, netns);
}

/** Runs a node script, optionally inside a network namespace (`ip netns exec`). */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}, netns?: string): Running {
  const [cmd, argv] = netns ? ['ip', ['netns', 'exec', netns, process.execPath, ...args]] as const : [process.execPath, args] as const;
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) {
      const m = l.match(w.re);
      if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
    }
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child, lines, stderr: () => err,
    line(re, timeoutMs) {
      for (const l of lines) { const m = l.match(re); if (m) return Promise.resolve(m); }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; stdout: ${lines.join(' | ')}; stderr: ${err.slice(-2000)}`)), timeoutMs);
        const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`exited (${code}) before a line matching ${re}; stderr: ${err.slice(-2000)}`)); };
        void exited.then(onExit);
        waiters.push({ re, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
    exited: () => exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
