import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the real `dig` and returns its answer lines (+short) or full output. */
export async function dig(server: string, port: number, name: string, type: string, extra: string[] = []): Promise<string> {
  const { stdout } = await run('dig', [`@${server}`, '-p', String(port), name, type, '+tries=1', '+time=3', ...extra]);
  return stdout;
}

export async function digShort(server: string, port: number, name: string, type: string, extra: string[] = []): Promise<string[]> {
  const out = await dig(server, port, name, type, ['+short', ...extra]);
  return out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}
