import type { Endpoint } from '../net/endpoint.js';
import { findAuthenticatedPeers, PUBLIC_BOOTSTRAP } from '../discovery/find.js';
import type { DhtNode } from '../discovery/dht.js';
import type { Discovery } from '../discovery/discovery.js';
import { formatEndpoint } from '../net/endpoint.js';
import { cliLogger } from '../log.js';
import type { CliIO } from './io.js';
import { resolveCliPassphrase } from './passphrase.js';

export interface FindArgs {
  appPort: number;
  passphrase?: string;
  passphraseFile?: string;
  port: number;
  bind: string;
  bootstrap?: Endpoint[];
  minPeers: number;
  stateDir?: string;
  /** Stop after this many peers (0 = run until interrupted). */
  count: number;
  logLevel: string;
  protocol: 'v1' | 'v2' | 'both';
}

const PROGRESS_INTERVAL_MS = 1000;

/** `wherez find`: prints `peer found: IP:PORT` for each new authenticated peer, as Go did. */
export async function runFind(a: FindArgs, io: CliIO): Promise<number> {
  const passphrase = await resolveCliPassphrase({ file: a.passphraseFile, arg: a.passphrase, env: io.env });
  const log = cliLogger(a.logLevel, io.stderr, io.env);
  let progress: NodeJS.Timeout | undefined;
  let live: { dht: DhtNode; discovery: Discovery } | undefined;
  const showProgress = () => {
    if (!live) return;
    const s = live.discovery.stats;
    io.stderr.write(`\rdht nodes: ${live.dht.nodeCount()}  candidates tried: ${s.probes}  verified: ${live.discovery.peers().length}   `);
  };
  let n = 0;
  try {
    for await (const peer of findAuthenticatedPeers({
      passphrase, appPort: a.appPort, port: a.port, host: a.bind, bootstrap: a.bootstrap ?? PUBLIC_BOOTSTRAP,
      minPeers: a.minPeers, stateDir: a.stateDir, signal: io.signal, log, protocol: a.protocol,
      onStart: (ctx) => {
        live = ctx;
        // The first line at once: the user (and a test) sees the node is up before any tick.
        if (io.stderr.isTTY) { showProgress(); progress = setInterval(showProgress, PROGRESS_INTERVAL_MS); }
        else io.stderr.write(`listening on ${a.bind}:${ctx.dht.port} (dht udp, auth tcp)${a.appPort < 0 ? ', discover only' : ''}\n`);
      },
    })) {
      if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
      io.stdout.write(`peer found: ${formatEndpoint(peer)}\n`);
      if (a.count > 0 && ++n >= a.count) break;
    }
  } finally {
    clearInterval(progress);
  }
  return 0;
}
