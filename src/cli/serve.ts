import { loadConfig } from '../config/load.js';
import { weakPassphraseWarnings } from '../config/passphrase-strength.js';
import { cliLogger, setLogLevel } from '../log.js';
import { Daemon } from '../daemon.js';
import type { CliIO } from './io.js';
import { ABORTED, untilAborted } from './abort.js';
import { formatEndpoint } from '../net/endpoint.js';

function interrupted(io: CliIO): number {
  io.stderr.write('wherez: interrupted during start\n');
  return 1;
}

/**
 * `wherez serve`: loads and validates the whole config first (a bad config never starts a
 * half-configured server), reloads zones on SIGHUP, runs until SIGINT/SIGTERM, then closes in
 * reverse order.
 */
export async function runServe(a: { config: string; logLevel?: string }, io: CliIO): Promise<number> {
  // A signal during load or start stops at once: neither is awaited past SIGINT/SIGTERM.
  const loaded = await untilAborted(loadConfig(a.config, { env: io.env }), io.signal);
  if (loaded === ABORTED) return interrupted(io);
  const { config, warnings } = loaded;
  const log = cliLogger(a.logLevel ?? config.logLevel, io.stderr, io.env);
  for (const w of warnings) log.warn(w);
  // --log-level holds for the life of the process; otherwise SIGHUP applies log_level.
  const daemon = new Daemon(config, { log, setLogLevel: a.logLevel === undefined ? (level) => setLogLevel(log, level) : undefined });
  if (await untilAborted(daemon.start(), io.signal) === ABORTED) {
    await daemon.close();
    return interrupted(io);
  }
  const listen = daemon.dnsEndpoints.map(formatEndpoint).join(', ');
  io.stdout.write(`wherez serving ${config.zones.map((z) => `_${z.label}._wherez.${config.domain}`).join(', ') || 'no zones'} on ${listen} (dht udp ${config.dht.bind}:${daemon.dhtPort})${config.metrics ? `, metrics on ${config.metrics.host}:${daemon.adminPort}` : ''}\n`);
  // Weak passphrases are reported once serving: the estimator takes seconds to load.
  void weakPassphraseWarnings(config.zones, io.signal).then((ws) => { for (const w of ws) log.warn(w); }, () => undefined);
  // SIGHUP: reload zones, DNS settings and the log level. A config that fails to load is logged and the old one kept.
  let reloading = Promise.resolve();
  io.onReload?.(() => {
    reloading = reloading.then(async () => {
      try {
        const next = await loadConfig(a.config, { env: io.env });
        for (const w of next.warnings) log.warn(w);
        await daemon.reload(next.config);
        // After the reload, not before: the estimator takes seconds to load.
        void weakPassphraseWarnings(next.config.zones, io.signal).then((ws) => { for (const w of ws) log.warn(w); }, () => undefined);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'reload failed; still serving the previous config');
      }
    });
  });
  if (!io.signal.aborted) await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await reloading;
  log.info('shutting down');
  await daemon.close();
  return 0;
}
