/**
 * A throw-away network namespace for tests that need port 53 and a resolv.conf of their own:
 * `lo` up, `/etc/netns/NAME/resolv.conf` (which `ip netns exec` bind-mounts over
 * /etc/resolv.conf, so glibc, c-ares and dig read it unmodified) pointing at `nameserver`.
 * The name carries the test process's pid so parallel runs never collide. Needs root.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const isRoot = process.getuid?.() === 0;

export interface Netns {
  name: string;
  /** Runs a program inside the namespace; resolves with its stdout (rejects on a non-zero exit). */
  exec(cmd: string, args: string[], o?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string>;
  /** Starts a long-running program inside the namespace (a resolver under test); stop() ends it. */
  start(cmd: string, args: string[]): Started;
  close(): Promise<void>;
}

export interface Started {
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function createNetns(tag: string, nameserver = '127.0.0.1'): Promise<Netns> {
  const name = `wherez-${tag}${process.pid}`;
  await run('ip', ['netns', 'add', name]);
  const close = async () => {
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    await rm(`/etc/netns/${name}`, { recursive: true, force: true });
  };
  try {
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    await mkdir(`/etc/netns/${name}`, { recursive: true });
    await writeFile(`/etc/netns/${name}/resolv.conf`, `nameserver ${nameserver}\noptions timeout:2 attempts:1\n`);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    name,
    async exec(cmd, args, o = {}) {
      const { stdout } = await run('ip', ['netns', 'exec', name, cmd, ...args],
        { timeout: o.timeoutMs ?? 10_000, env: { ...process.env, ...o.env } });
      return stdout;
    },
    start(cmd, args) {
      const child = spawn('ip', ['netns', 'exec', name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const exited = once(child, 'exit');
      return {
        output: () => out,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    },
    close,
  };
}
