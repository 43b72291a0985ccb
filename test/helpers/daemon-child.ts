/**
 * Runs one Daemon from a config file in a process of its own, for tests that kill -9 it.
 * argv: CONFIG PAUSE_MS. Every peers-file write pauses PAUSE_MS between fsync and rename and
 * says so on stdout ("state: paused before rename"), so a test can kill it mid-write.
 */
import { loadConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { createLogger } from '../../src/log.js';

const [file, pause] = process.argv.slice(2);
const { config } = await loadConfig(file as string, { env: {} });
const daemon = new Daemon(config, {
  log: createLogger({ level: 'info' }),
  stateHooks: {
    beforeRename: async () => {
      process.stdout.write('state: paused before rename\n');
      await new Promise((r) => setTimeout(r, Number(pause)));
    },
  },
});
await daemon.start();
process.stdout.write(`listening: ${daemon.dnsEndpoints[0]!.port}\n`);
process.once('SIGTERM', () => void daemon.close());
