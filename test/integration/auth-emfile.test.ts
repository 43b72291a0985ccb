import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { probeV1 } from '../../src/discovery/prober.js';
import { SelfDetector } from '../../src/discovery/self-detector.js';

const CHILD = fileURLToPath(new URL('../helpers/auth-listener-child.js', import.meta.url));

test('the auth listener survives fd exhaustion (EMFILE) and serves again once fds free up', async (t) => {
  // A listener process limited to 64 fds; we open more connections than it can accept.
  const child = spawn('bash', ['-c', `ulimit -n 64 && exec "${process.execPath}" "${CHILD}"`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { child.kill('SIGTERM'); });
  const lines = createInterface({ input: child.stdout! });
  let resolvePort: (p: number) => void;
  const portP = new Promise<number>((r) => { resolvePort = r; });
  lines.on('line', (l) => {
    const m = /^port: (\d+)$/.exec(l); if (m) resolvePort(Number(m[1]));
  });
  const port = await portP;
  const held: net.Socket[] = [];
  t.after(() => { for (const s of held) s.destroy(); });
  for (let i = 0; i < 100; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    held.push(s);
    await once(s, 'connect');
  }
  const pass = Buffer.from('emfile');
  const during = await probeV1({ host: '127.0.0.1', port, passphrase: pass, self: new SelfDetector(), connectTimeoutMs: 500, readTimeoutMs: 500 });
  assert.equal(during.ok, false, 'no fd left: the probe cannot be served');
  for (const s of held) s.destroy();
  let after = await probeV1({ host: '127.0.0.1', port, passphrase: pass, self: new SelfDetector(), connectTimeoutMs: 1000, readTimeoutMs: 1000 });
  for (let i = 0; i < 20 && !after.ok; i++) {
    await new Promise((r) => setTimeout(r, 100));
    after = await probeV1({ host: '127.0.0.1', port, passphrase: pass, self: new SelfDetector(), connectTimeoutMs: 1000, readTimeoutMs: 1000 });
  }
  assert.deepEqual(after, { ok: true, port: 7070 });
  assert.equal(child.exitCode, null, 'the listener process did not die');
});
