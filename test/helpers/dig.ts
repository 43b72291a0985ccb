import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the real `dig` once (`+tries=1`) against server:port with the given arguments; its stdout. */
export async function digAt(server: string, port: number, args: string[]): Promise<string> {
  const { stdout } = await run('dig', [`@${server}`, '-p', String(port), '+tries=1', ...args]);
  return stdout;
}

export function dig(server: string, port: number, name: string, type: string, extra: string[] = []): Promise<string> {
  return digAt(server, port, [name, type, '+time=3', ...extra]);
}

export async function digShort(server: string, port: number, name: string, type: string, extra: string[] = []): Promise<string[]> {
  const out = await dig(server, port, name, type, ['+short', ...extra]);
  return out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}
