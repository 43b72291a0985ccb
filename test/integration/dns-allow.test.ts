import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RCODE } from '../../src/dns/dns-codes.js';
import { dig, query, rcodeOf, tcpExchange, udpExchange } from '../helpers/dns-client.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { MemoryZones, peers } from '../helpers/dns-zones.js';

test('allow-list: clients outside it get REFUSED over UDP and TCP, clients inside get answers', async () => {
  const zones = new MemoryZones({ ldap: { peers: peers(2, 60_000, Date.now()) } });
  const { server, port } = await startDnsServer(zones, { allow: ['127.0.0.2/32'] });
  try {
    const msg = query('_ldap._wherez.local', 'SRV');
    assert.equal(rcodeOf((await udpExchange(port, msg))!), RCODE.REFUSED);
    assert.equal(rcodeOf(await tcpExchange(port, msg)), RCODE.REFUSED);
    const allowed = (await udpExchange(port, msg, { localAddress: '127.0.0.2' }))!;
    assert.equal(rcodeOf(allowed), RCODE.NOERROR);
    assert.equal(allowed.readUInt16BE(6), 2);
    assert.match(await dig(port, '-b', '127.0.0.2', 'SRV', '_ldap._wherez.local'), /status: NOERROR/);
    assert.match(await dig(port, 'SRV', '_ldap._wherez.local'), /status: REFUSED/);
    assert.equal(server.stats().rcodes.REFUSED, 3);
  } finally {
    await server.close();
  }
});
