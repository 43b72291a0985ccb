import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';
import { frame, query, tcpConnect, tcpExchange, udpExchange } from '../helpers/dns-client.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { startUpstream } from '../helpers/dns-upstream.js';
import { hostile, junk, prng } from '../helpers/hostile-dns.js';
import { MemoryZones, peers } from '../helpers/dns-zones.js';

function checkReply(reply: Buffer): void {
  assert.ok(reply.length >= 12);
  assert.doesNotThrow(() => dnsPacket.decode(reply), 'every reply we send is well-formed');
}

test('fuzz: thousands of random and mutated packets over UDP and TCP; valid queries keep being answered', async () => {
  const zones = new MemoryZones({ ldap: { peers: peers(3, 60_000, Date.now()) } });
  const upstream = await startUpstream();
  // Forwarding on, so mutated outside names also run through the forward path and its cache.
  const { server, port } = await startDnsServer(zones, {
    forward: true, upstreams: [{ host: '127.0.0.1', port: upstream.port }], forwardAttemptTimeoutMs: 200, forwardDeadlineMs: 400,
  });
  const rand = prng(20260127);
  const sock = dgram.createSocket('udp4');
  const replies: Buffer[] = [];
  sock.on('message', (m: Buffer) => replies.push(m));
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  try {
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 100; i++) sock.send(hostile(rand), port, '127.0.0.1');
      const ok = await udpExchange(port, query('_ldap._wherez.local', 'SRV', { id: round }));
      assert.equal(ok && dnsPacket.decode(ok).answers?.length, 3, `round ${round}`);
    }
    for (let round = 0; round < 10; round++) {
      const { sock: tcp } = await tcpConnect(port);
      tcp.on('error', () => {});
      tcp.write(Buffer.concat(Array.from({ length: 100 }, () => frame(hostile(rand)))));
      if (rand() < 0.5) tcp.write(junk(rand, 40));
      tcp.destroy();
      const ok = await tcpExchange(port, query('_ldap._wherez.local', 'SRV', { id: round }));
      assert.equal(dnsPacket.decode(ok).answers?.length, 3);
    }
    replies.forEach(checkReply);
    const stats = server.stats();
    assert.equal(stats.internalErrors, 0);
    assert.ok(stats.forwarded > 0, 'the forward path was exercised');
    assert.ok(stats.queries >= 3000, JSON.stringify(stats));
    assert.ok(replies.length > 500, `${replies.length} UDP replies`);
  } finally {
    sock.close();
    await server.close();
    await upstream.close();
  }
});
