import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { Daemon } from '../../src/daemon.js';
import { isWherezError } from '../../src/errors.js';
import { waitFor } from '../helpers/wait.js';

const ENV = { LIFECYCLE_KEY: 'lifecycle secret' };

/** A real config on 127.0.0.42 (standalone DHT, ephemeral ports) with the given zones. */
async function config(t: { after: (fn: () => Promise<void>) => void }, zones: string[], extra: string[] = []): Promise<{ config: Config; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-lifecycle-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'zones.yaml');
  await writeFile(file, [
    'listen: ["127.0.0.42:0"]', 'forward: false', 'state_dir: ./state', 'metrics: "127.0.0.42:0"',
    'dht: { bind: 127.0.0.42, port: 0, bootstrap: [] }', ...extra,
    // A passphrase per zone: v2 zones with auth_port 0 share one listener, where one passphrase for two zones is ambiguous.
    'zones:', ...zones.map((z) => `  ${z}: { passphrase_env: LIFECYCLE_KEY_${z.toUpperCase()}, announce: 389, auth_port: 0 }`),
  ].join('\n'));
  const env = Object.fromEntries(zones.map((z) => [`LIFECYCLE_KEY_${z.toUpperCase()}`, `${ENV.LIFECYCLE_KEY} of ${z}`]));
  return { config: (await loadConfig(file, { env })).config, dir };
}

/** Sockets and servers this process holds open (what would keep it alive after close). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => /TCP|UDP/.test(r)).length;
}

/** A closed handle leaves the list a tick or two after its close callback; a leaked one never does. */
function allClosed(before: number): Promise<void> {
  return waitFor(() => openSockets() <= before, 3_000, 'every socket the daemon opened to be released');
}

test('reload after close starts nothing; status() after close does not throw', async (t) => {
  const before = openSockets();
  const { config: one } = await config(t, ['ldap']);
  const { config: two } = await config(t, ['ldap', 'kdc', 'smtp']);
  const daemon = new Daemon(one);
  await daemon.start();
  assert.equal(daemon.status().zones.length, 1);
  await daemon.close();
  const diff = await daemon.reload(two);
  assert.deepEqual(diff.added, [], 'nothing added after close');
  const s = daemon.status();
  assert.equal(s.dht.port, 0);
  assert.deepEqual(s.zones.map((z) => z.label), [], 'no zone runs after close');
  await allClosed(before);
});

test('a reload racing close leaves no zone running', async (t) => {
  const before = openSockets();
  const { config: one } = await config(t, ['ldap']);
  const { config: many } = await config(t, Array.from({ length: 20 }, (_, i) => `z${i}`));
  const daemon = new Daemon(one);
  await daemon.start();
  const reloading = daemon.reload(many);
  await daemon.close();
  await reloading;
  assert.deepEqual(daemon.status().zones, []);
  await allClosed(before);
});

test('close() during start: start rejects with WHEREZ_CLOSED and nothing stays open', async (t) => {
  const before = openSockets();
  const { config: c } = await config(t, ['ldap', 'kdc']);
  const daemon = new Daemon(c);
  const starting = daemon.start();
  await daemon.close();
  await assert.rejects(starting, (e: unknown) => isWherezError(e, 'WHEREZ_CLOSED'));
  await allClosed(before);
});

test('a FIFO where the DHT state file belongs does not hang start (read as no state)', async (t) => {
  const { config: c, dir } = await config(t, ['ldap']);
  await mkdir(join(dir, 'state'));
  execFileSync('mkfifo', [join(dir, 'state', 'dht-0.json')]);
  const daemon = new Daemon(c, { startStepTimeoutMs: 2_000 });
  t.after(() => daemon.close());
  await daemon.start();
  assert.ok(daemon.dhtPort > 0);
});
