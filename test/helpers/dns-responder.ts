import dnsPacket from 'dns-packet';
import { createAllowCheck } from '../../src/dns/allow.js';
import { createResponder, type ResponderOptions } from '../../src/dns/responder.js';
import { createCounters } from '../../src/dns/stats.js';
import { silentLogger } from '../../src/log.js';
import { NOW, type MemoryZones } from './dns-zones.js';

/** A socket-free responder over in-memory zones, with a movable clock. */
export function makeResponder(zones: MemoryZones, o: Partial<ResponderOptions> = {}) {
  const counters = createCounters();
  const clock = { now: NOW };
  const respond = createResponder({
    zone: '_wherez.local', lookup: zones.lookup, labels: zones.labels, allow: createAllowCheck(['127.0.0.0/8', '::1/128']),
    negativeTtl: 5, maxTtl: 300, now: () => clock.now, log: silentLogger(), counters, ...o,
  });
  const ask = async (msg: Buffer, transport: 'udp' | 'tcp' = 'udp', address = '127.0.0.1') => {
    const reply = await respond(msg, { address, transport });
    if (!reply) throw new Error('no reply');
    return { raw: reply, p: dnsPacket.decode(reply) };
  };
  return { respond, ask, counters, clock };
}

export const rcode = (raw: Buffer): number => raw.readUInt16BE(2) & 0xf;
export const hasFlag = (raw: Buffer, bit: number): boolean => (raw.readUInt16BE(2) & bit) !== 0;
