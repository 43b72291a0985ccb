import type { Config } from '../config/types.js';
import type { Endpoint } from '../net/endpoint.js';
import { zoneName } from '../dns/names.js';
import { formatEndpoint, reachableHost } from '../net/endpoint.js';

/**
 * Split-DNS recipes that point a system resolver at wherez (pure: config in, file text out).
 * The tested forms and their caveats live in docs/resolvers.md.
 */
export const SETUP_TARGETS = ['resolved', 'resolver', 'resolv-conf'] as const;
export type SetupTarget = (typeof SETUP_TARGETS)[number];

export interface Recipe {
  /** Absolute path the text belongs in. */
  path: string;
  text: string;
  /** What to run after writing it, for the operator to read (never run by wherez). */
  then: string[];
}

/** Port of glibc's resolver: resolv.conf carries no port. */
const RESOLV_CONF_PORT = 53;

/** The address a local resolver should send to: a wildcard listener is reached on loopback. */
export function reachableListen(listen: readonly Endpoint[]): Endpoint | undefined {
  const ep = listen[0];
  if (!ep) return undefined;
  return { host: reachableHost(ep.host), port: ep.port };
}


/** The recipe, or a sentence saying why this config cannot use that target and what to change. */
export function recipe(target: SetupTarget, c: Pick<Config, 'listen' | 'domain' | 'forward'>): Recipe | { error: string } {
  const ep = reachableListen(c.listen);
  const zone = zoneName(c.domain);
  if (!ep || !zone) return { error: 'the config has no usable listen address or domain' };
  switch (target) {
    case 'resolved':
      // A routing-only domain (~): only wherez's names go to wherez (systemd 246+ for the port).
      return {
        path: '/etc/systemd/resolved.conf.d/wherez.conf',
        text: `# Written by wherez setup resolved: send ${zone} (and only it) to wherez.\n[Resolve]\nDNS=${formatEndpoint(ep)}\nDomains=~${zone}\n`,
        then: ['systemctl restart systemd-resolved', `resolvectl query --type=SRV _ldap._tcp.${zone}   # or any zone's name`],
      };
    case 'resolver':
      // macOS: one file per domain under /etc/resolver, with its own port.
      return {
        path: `/etc/resolver/${zone}`,
        text: `# Written by wherez setup resolver: send ${zone} to wherez (macOS).\nnameserver ${ep.host}\nport ${ep.port}\n`,
        then: [`scutil --dns | grep -A3 ${zone}`],
      };
    case 'resolv-conf':
      if (ep.port !== RESOLV_CONF_PORT) {
        return { error: `resolv.conf carries no port: wherez must listen on port 53 (listen is ${formatEndpoint(ep)}); set listen: ["${ep.host}:53"] (root or CAP_NET_BIND_SERVICE), or use setup resolved` };
      }
      if (!c.forward) {
        return { error: 'with resolv.conf every name goes to wherez: set forward: true (and upstreams: your real resolvers), or use setup resolved' };
      }
      return {
        path: '/etc/resolv.conf',
        // wherez's default upstreams come from resolv.conf: after this it lists only wherez.
        text: `# Written by wherez setup resolv-conf: wherez answers ${zone} and forwards the rest to its upstreams.\n` +
          '# Keep `upstreams:` explicit in the wherez config: this file no longer lists the real resolvers.\n' +
          `nameserver ${ep.host}\n`,
        then: ['getent ahosts localhost   # the system still resolves', `dig SRV _<service>._tcp.${zone}   # a zone's name, through the system resolver`],
      };
  }
}
