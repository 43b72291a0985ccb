import { isValidPort } from '../peer.js';
import { addressScope, type AddressScope } from '../net/address-class.js';

export type ContactVerdict = 'dial' | 'garbage' | 'out-of-scope';

/**
 * Which scopes of contact a DHT node of a given scope may hand us. A contact is never more
 * local than the node that told us about it: any DHT node that sees our get_peers could
 * otherwise make us dial `127.0.0.1:<port>` or a host on our LAN. Loopback sources exist only
 * on this host (the kernel drops 127/8 sources arriving from outside), so a loopback DHT (tests,
 * `wherez testnet`) may name anything; a node on our LAN may name LAN and public hosts.
 */
const ALLOWED_FROM: Record<Exclude<AddressScope, 'never'>, ReadonlySet<AddressScope>> = {
  loopback: new Set(['loopback', 'link-local', 'private', 'public']),
  'link-local': new Set(['link-local', 'private', 'public']),
  private: new Set(['private', 'public']),
  public: new Set(['public']),
};

/**
 * Decides whether a DHT contact is dialled. `source` is the DHT node that gave it (the announcer
 * itself for an announce); unknown or unparsable sources count as public, the strictest case.
 */
export function contactVerdict(contact: { host: string; port: number }, source: string | null): ContactVerdict {
  const scope = addressScope(contact.host);
  if (!scope || scope === 'never' || !isValidPort(contact.port)) return 'garbage';
  const from = (source && addressScope(source)) || 'public';
  if (from === 'never') return 'out-of-scope';
  return ALLOWED_FROM[from].has(scope) ? 'dial' : 'out-of-scope';
}
