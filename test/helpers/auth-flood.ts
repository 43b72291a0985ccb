import net from 'node:net';

export interface AuthFloodOptions {
  host: string;
  port: number;
  /** Source addresses the flood connects from (distinct 127.x addresses on loopback). */
  sources: readonly string[];
  /** Connections kept open at once. */
  connections: number;
  /** Delay before a closed connection is replaced. */
  reconnectMs: number;
}

export interface AuthFlood {
  /** Connections the listener accepted and later closed or refused at once. */
  readonly stats: { opened: number; closed: number };
  stop(): Promise<void>;
}

/**
 * The flood of issue 6 item 11: `connections` TCP connections to an auth port, half of them
 * silent and half sending one byte a second (never a whole challenge), each replaced
 * `reconnectMs` after it closes. Bounded by stop(), which destroys everything.
 */
export function startAuthFlood(o: AuthFloodOptions): AuthFlood {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stats = { opened: 0, closed: 0 };
  let stopped = false;
  const open = (i: number) => {
    if (stopped) return;
    const s = net.connect({ host: o.host, port: o.port, localAddress: o.sources[i % o.sources.length] });
    sockets.add(s);
    stats.opened++;
    let drip: NodeJS.Timeout | undefined;
    s.on('connect', () => {
      // 'w' opens a v1 challenge, so the byte-0 dispatch cannot tell these from a slow honest client.
      if (i % 2 === 1) drip = setInterval(() => s.write(Buffer.from('w')), 1_000);
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(drip);
      sockets.delete(s);
      stats.closed++;
      if (stopped) return;
      const t = setTimeout(() => { timers.delete(t); open(i); }, o.reconnectMs);
      timers.add(t);
    });
  };
  for (let i = 0; i < o.connections; i++) open(i);
  return {
    stats,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      const closing = [...sockets].map((s) => new Promise<void>((r) => { if (s.closed) r(); else { s.once('close', () => r()); s.destroy(); } }));
      await Promise.all(closing);
    },
  };
}
