import yargs from 'yargs';
import type { Endpoint } from '../net/endpoint.js';
import { runPassphrase } from './passphrase-new.js';
import { isWherezError, wherezError } from '../errors.js';
import { parseBootstrapEntry } from '../net/endpoint.js';
import type { CliIO } from './io.js';
import { runFind } from './find.js';
import { checkFindArgs } from './find-args.js';
import { runTestnet } from './testnet.js';
import { runServe } from './serve.js';
import { runCheck } from './check.js';
import { runStatus } from './status.js';
import { runDemo } from './demo.js';
import { runSetup } from './setup.js';
import { runDoctor } from './doctor.js';
import { SETUP_TARGETS, type SetupTarget } from '../setup/recipes.js';

function parseBootstrap(list: string | undefined): Endpoint[] | undefined {
  if (list === undefined) return undefined;
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const e = parseBootstrapEntry(s);
    if (e.error !== undefined) throw wherezError('WHEREZ_BOOTSTRAP_INVALID', e.error);
    return e.value;
  });
}

/** Parses argv and runs one command; resolves with the exit code. Never calls process.exit. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const print = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  // Go's CLI took a negative app port after `--` (`find -- -1`); yargs would leave it out of the positionals.
  argv = argv.filter((arg, i) => !(arg === '--' && /^-\d+$/.test(argv[i + 1] ?? '')));
  const parser = yargs([...argv])
    .scriptName('wherez')
    .usage('$0 <command> [options]')
    .strict()
    .exitProcess(false)
    .help()
    .version(false)
    .option('log-level', { type: 'string', describe: 'trace|debug|info|warn|error|silent: logs on stderr, readable lines on a terminal, JSON otherwise (find: default warn; serve: default the config\'s log_level, which SIGHUP then applies again; given, it holds until exit)' })
    .command('find <appPort> [passphrase]', 'find peers sharing a passphrase; prints "peer found: IP:PORT" lines',
      (y) => y
        .positional('appPort', { type: 'number', describe: 'application port to offer (negative: discover only, do not announce)' })
        .positional('passphrase', { type: 'string', describe: 'shared secret (prefer --passphrase-file or WHEREZ_PASSPHRASE: argv is visible to other users)' })
        .option('port', { type: 'number', default: 40000, describe: 'wherez port: DHT (UDP) and auth listener (TCP); 0 picks one' })
        .option('bind', { type: 'string', default: '0.0.0.0', describe: 'address of both sockets' })
        .option('bootstrap', { type: 'string', describe: 'DHT bootstrap nodes host:port,... (default: the public Mainline routers)' })
        .option('min-peers', { type: 'number', default: 1, describe: 'search fast until this many peers are verified' })
        .option('passphrase-file', { type: 'string', describe: 'read the passphrase from this file (one trailing newline dropped)' })
        .option('state-dir', { type: 'string', describe: 'keep the DHT node id and routing table here for warm restarts' })
        .option('count', { type: 'number', default: 0, describe: 'exit after this many peers (0: run until interrupted)' })
        .option('protocol', { type: 'string', choices: ['v1', 'v2', 'both'], default: 'v2', describe: 'v2 (PAKE, attested addresses), v1 (talk to Go wherez nodes) or both' }),
      async (a) => {
        checkFindArgs({ port: a.port, minPeers: a.minPeers, appPort: a.appPort as number, count: a.count, bind: a.bind });
        code = await runFind({
          appPort: a.appPort as number, passphrase: a.passphrase, passphraseFile: a.passphraseFile, port: a.port, bind: a.bind,
          bootstrap: parseBootstrap(a.bootstrap), minPeers: a.minPeers, stateDir: a.stateDir, count: a.count, logLevel: a.logLevel ?? 'warn',
          protocol: a.protocol as 'v1' | 'v2' | 'both',
        }, io);
      })
    .command('passphrase', 'print a new random zone passphrase (10 words, 110 bits)', (y) => y,
      () => { code = runPassphrase(io); })
    .command('serve', 'run the DNS bridge: answer _<label>._wherez.<domain> from discovery, forward the rest',
      (y) => y.option('config', { type: 'string', default: '/etc/wherez/zones.yaml', describe: 'YAML config file' }),
      async (a) => { code = await runServe({ config: a.config, logLevel: a.logLevel }, io); })
    .command('check', 'validate a config file and print what it would serve',
      (y) => y.option('config', { type: 'string', default: '/etc/wherez/zones.yaml', describe: 'YAML config file' }),
      async (a) => { code = await runCheck({ config: a.config }, io); })
    .command('status', 'show a running daemon\'s zones, peers and counters (reads its "metrics" endpoint)',
      (y) => y
        .option('config', { type: 'string', describe: 'config of the running daemon, for its metrics address; passphrases are not read (default: /etc/wherez/zones.yaml if it exists, else --url http://127.0.0.1:9153)' })
        .option('url', { type: 'string', describe: 'base URL of the metrics endpoint, e.g. http://127.0.0.1:9153' })
        .option('json', { type: 'boolean', default: false, describe: 'print the raw JSON' }),
      async (a) => { code = await runStatus({ config: a.config, url: a.url, json: a.json }, io); })
    .command('demo', 'see discovery work: a private loopback DHT, sibling nodes and a DNS bridge serving them (what npm start runs)',
      (y) => y
        .option('listen', { type: 'string', default: '127.0.0.1:5300', describe: 'DNS listener of the demo daemon (IP:port)' })
        .option('metrics', { type: 'string', default: '127.0.0.1:9153', describe: 'its /metrics and /status endpoint (IP:port; :0 picks a port)' })
        .option('siblings', { type: 'number', default: 2, describe: 'sibling nodes on 127.0.0.2, 127.0.0.3, ... (0-50)' }),
      async (a) => {
        if (!Number.isInteger(a.siblings) || a.siblings < 0 || a.siblings > 50) throw new UsageError('--siblings must be an integer 0-50');
        code = await runDemo({ listen: a.listen, metrics: a.metrics, siblings: a.siblings, logLevel: a.logLevel ?? 'warn' }, io);
      })
    .command('setup <target>', 'print (or --apply: write, keeping a backup) the split-DNS config that points the system resolver at wherez',
      (y) => y
        .positional('target', { choices: SETUP_TARGETS, describe: 'resolved (systemd-resolved drop-in), resolver (macOS /etc/resolver), resolv-conf (glibc, port 53 + forwarding)' })
        .option('config', { type: 'string', describe: 'wherez config (listen, domain, forward); passphrases are not read (default: /etc/wherez/zones.yaml)' })
        .option('apply', { type: 'boolean', default: false, describe: 'write the file (an existing one is copied to <file>.wherez-backup-<time> first)' })
        .option('root', { type: 'string', default: '/', describe: 'prefix of the written path (image builds, tests)' }),
      async (a) => { code = await runSetup({ target: a.target as SetupTarget, config: a.config, apply: a.apply, root: a.root }, io); })
    .command('doctor', 'check end to end that the system resolver reaches wherez (getaddrinfo and res_query), that its DNS listener and DHT are up and each zone\'s auth port is reachable; prints each failure with its fix',
      (y) => y
        .option('config', { type: 'string', describe: 'config of the running daemon; passphrases are not read (default: /etc/wherez/zones.yaml)' })
        .option('url', { type: 'string', describe: 'base URL of its metrics endpoint, in place of the config\'s "metrics"' }),
      async (a) => { code = await runDoctor({ config: a.config, url: a.url }, io); })
    .command('testnet', 'run a private DHT on loopback and print its bootstrap list',
      (y) => y
        .option('nodes', { type: 'number', default: 20 })
        .option('bind', { type: 'string', default: '127.0.0.1' })
        .option('port', { type: 'number', default: 0, describe: 'UDP port of the bootstrap node (0 picks one)' }),
      async (a) => { code = await runTestnet({ nodes: a.nodes, bind: a.bind, port: a.port }, io); })
    .demandCommand(1, 'name a command: demo, find, serve, check, status, setup, doctor, testnet')
    .fail((msg, err) => { throw err ?? new UsageError(msg); });
  try {
    await parser.parseAsync(argv as string[], {}, (err, _argv, output) => {
      if (output && !err) print(output);
    });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${err.message}\n(see: wherez --help)\n`);
      return 2;
    }
    io.stderr.write(`${isWherezError(err) ? err.message : `error: ${(err as Error).message}`}\n`);
    return 1;
  }
  return code;
}

class UsageError extends Error {}
