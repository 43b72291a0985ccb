import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';
import { RCODE } from '../../src/dns/dns-codes.js';
import { dig, query, rcodeOf, udpExchange } from '../helpers/dns-client.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { startSilentUdp, startUpstream } from '../helpers/dns-upstream.js';
import { MemoryZones } from '../helpers/dns-zones.js';

const up = (port: number) => ({ host: '127.0.0.1', port });

test('forwards outside names: RA, not AA, cached (case and id patched), negative answers too', async () => {
  const upstream = await startUpstream();
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(upstream.port)] });
  try {
    const first = dnsPacket.decode((await udpExchange(port, query('www.example', 'A', { id: 11 })))!);
    assert.equal(first.id, 11);
    assert.equal(first.flag_ra, true);
    assert.equal(first.flag_aa, false);
    assert.deepEqual(first.answers?.map((a) => (a as { data: string }).data), ['192.0.2.1']);
    const second = dnsPacket.decode((await udpExchange(port, query('WWW.Example', 'A', { id: 12 })))!);
    assert.equal(second.id, 12);
    assert.equal(second.questions?.[0]?.name, 'WWW.Example');
    assert.equal(upstream.received.udp, 1, 'served from the forward cache');
    for (let i = 0; i < 2; i++) assert.equal(rcodeOf((await udpExchange(port, query('nx.example', 'A')))!), RCODE.NXDOMAIN);
    assert.equal(upstream.received.udp, 2, 'NXDOMAIN cached by its SOA');
    // The zone still answers itself, with RA now that forwarding is on.
    assert.match(await dig(port, 'SOA', '_wherez.local'), /flags: qr aa rd ra;/);
    assert.equal(server.stats().forwardCacheHits, 2);
  } finally {
    await server.close();
    await upstream.close();
  }
});

test('a truncated upstream answer is fetched again over TCP; the client gets TC, then all of it over TCP', async () => {
  const upstream = await startUpstream();
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(upstream.port)] });
  try {
    const out = await dig(port, '+noedns', 'A', 'big.example');
    assert.match(out, /Truncated, retrying in TCP mode/);
    assert.match(out, /ANSWER: 60,/);
    assert.equal(upstream.received.tcp, 1, 'fetched over TCP once, then from cache');
  } finally {
    await server.close();
    await upstream.close();
  }
});

test('fails over from a dead upstream, and tries it last afterwards', async () => {
  const dead = await startSilentUdp();
  const upstream = await startUpstream();
  const { server, port } = await startDnsServer(new MemoryZones(), {
    forward: true, upstreams: [up(dead.port), up(upstream.port)], forwardAttemptTimeoutMs: 300,
  });
  try {
    let t = performance.now();
    assert.equal(rcodeOf((await udpExchange(port, query('a.example', 'A')))!), RCODE.NOERROR);
    assert.ok(performance.now() - t >= 290, 'waited for the dead one first');
    t = performance.now();
    assert.equal(rcodeOf((await udpExchange(port, query('b.example', 'A')))!), RCODE.NOERROR);
    assert.ok(performance.now() - t < 250, 'the dead upstream is now tried last');
  } finally {
    await server.close();
    await Promise.all([dead.close(), upstream.close()]);
  }
});

test('all upstreams dead: SERVFAIL before dig gives up (default timings)', async () => {
  const deadA = await startSilentUdp();
  const deadB = await startSilentUdp();
  const deadC = await startSilentUdp();
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(deadA.port), up(deadB.port), up(deadC.port)] });
  try {
    const t = performance.now();
    const out = await dig(port, '+time=5', 'A', 'gone.example');
    const elapsed = performance.now() - t;
    assert.match(out, /status: SERVFAIL/);
    assert.ok(elapsed > 3000 && elapsed < 4500, `answered after ${Math.round(elapsed)} ms`);
  } finally {
    await server.close();
    await Promise.all([deadA.close(), deadB.close(), deadC.close()]);
  }
});

test('forwarding is on by default, as in the configuration (one source of defaults)', async () => {
  const upstream = await startUpstream();
  const { server, port } = await startDnsServer(new MemoryZones(), { upstreams: [up(upstream.port)] });
  try {
    assert.equal(rcodeOf((await udpExchange(port, query('www.example', 'A')))!), RCODE.NOERROR);
    assert.equal(upstream.received.udp, 1);
  } finally {
    await server.close();
    await upstream.close();
  }
});

test('split DNS: names outside the zone are REFUSED', async () => {
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: false, upstreams: [up(1)] });
  try {
    const out = await dig(port, 'A', 'example.com');
    assert.match(out, /status: REFUSED/);
    assert.match(out, /flags: qr rd;/);
  } finally {
    await server.close();
  }
});

async function freePort(): Promise<number> {
  const probe = dgram.createSocket('udp4').bind(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = probe.address().port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

test('loop: our own address is never used as an upstream', async () => {
  const own = await freePort();
  const { server } = await startDnsServer(new MemoryZones(), { listen: [{ host: '127.0.0.1', port: own }], forward: true, upstreams: [up(own)] });
  try {
    const t = performance.now();
    assert.equal(rcodeOf((await udpExchange(own, query('loop.example', 'A')))!), RCODE.SERVFAIL);
    assert.ok(performance.now() - t < 500, 'no upstream left: SERVFAIL at once');
    assert.equal(server.stats().queries, 1, 'nothing was sent to ourselves');
  } finally {
    await server.close();
  }
});

test('loop: our query relayed straight back (same id) is answered SERVFAIL at once', async () => {
  const relay = await startUpstream();
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(relay.port)] });
  relay.relayTo(port);
  try {
    const t = performance.now();
    assert.equal(rcodeOf((await udpExchange(port, query('loop.example', 'A')))!), RCODE.SERVFAIL);
    assert.ok(performance.now() - t < 500);
    assert.equal(server.stats().loopsDetected, 1);
  } finally {
    await server.close();
    await relay.close();
  }
});

test('loop: two servers forwarding to each other stop after one round, SERVFAIL by the deadline', async () => {
  const portA = await freePort();
  const timing = { forward: true, forwardAttemptTimeoutMs: 300, forwardDeadlineMs: 600 };
  const b = await startDnsServer(new MemoryZones(), { ...timing, upstreams: [up(portA)] });
  const a = await startDnsServer(new MemoryZones(), { ...timing, listen: [{ host: '127.0.0.1', port: portA }], upstreams: [up(b.port)] });
  try {
    assert.equal(rcodeOf((await udpExchange(portA, query('pingpong.example', 'A')))!), RCODE.SERVFAIL);
    // A's looped question joined A's own pending exchange instead of starting another one.
    assert.equal(a.server.stats().forwarded, 1);
    assert.equal(b.server.stats().forwarded, 1);
  } finally {
    await a.server.close();
    await b.server.close();
  }
});

/** A query carrying a client COOKIE option (RFC 7873), as dig +cookie sends. */
function cookieQuery(name: string, cookie: string, id: number): Buffer {
  return dnsPacket.encode({
    type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A', class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false,
      options: [{ code: 10, data: Buffer.from(cookie, 'hex') }] as unknown as dnsPacket.PacketOpt[] }],
  });
}

type OptSeen = { udpPayloadSize: number; options: { code: number; data: Buffer }[] };
const optOf = (p: dnsPacket.DecodedPacket): OptSeen | undefined => p.additionals?.find((a) => a.type === 'OPT') as OptSeen | undefined;

test('EDNS is hop-by-hop: client cookies reach neither the upstream nor another client (cache and shared exchange)', async () => {
  const upstream = await startUpstream({ slowMs: 300 });
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(upstream.port)] });
  try {
    // Through the cache, with a real client: the second dig must not see the first one's cookie.
    const first = await dig(port, '+cookie=1111111111111111', 'A', 'www.example');
    const second = await dig(port, '+cookie=2222222222222222', 'A', 'www.example');
    for (const out of [first, second]) {
      assert.match(out, /status: NOERROR/);
      assert.match(out, /; EDNS: version: 0, flags:; udp: 1232/);
      assert.doesNotMatch(out, /COOKIE/, 'we keep no server cookie, and never pass on another');
    }
    // Sharing one in-flight exchange.
    const [a, b] = await Promise.all([udpExchange(port, cookieQuery('slow.example', '3333333333333333', 1)),
      udpExchange(port, cookieQuery('slow.example', '4444444444444444', 2))]);
    for (const reply of [a, b]) {
      const o = optOf(dnsPacket.decode(reply!));
      assert.equal(o?.udpPayloadSize, 1232);
      assert.deepEqual(o?.options, []);
    }
    assert.equal(server.stats().forwarded, 2, 'www.example once, slow.example once (shared)');
    for (const q of upstream.queries) {
      const o = optOf(q);
      assert.equal(o?.udpPayloadSize, 1232, 'our size upstream');
      assert.deepEqual(o?.options, [], 'no client option forwarded');
    }
  } finally {
    await server.close();
    await upstream.close();
  }
});

test('a lost datagram to the only upstream is sent again before SERVFAIL (default timings, within dig\'s 5 s)', async () => {
  const upstream = await startUpstream({ dropFirst: 1 });
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(upstream.port)] });
  try {
    const out = await dig(port, '+time=5', '+tries=1', 'A', 'lossy.example');
    assert.match(out, /status: NOERROR/);
    assert.match(out, /lossy\.example\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1/);
    assert.equal(upstream.received.udp, 2, 'asked twice');
  } finally {
    await server.close();
    await upstream.close();
  }
});

test('forwarded TTLs are capped by maxTtl, fresh and from the cache', async () => {
  const upstream = await startUpstream({ ttl: 600 });
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(upstream.port)], maxTtl: 100 });
  try {
    for (let i = 0; i < 2; i++) {
      const p = dnsPacket.decode((await udpExchange(port, query('long.example', 'A')))!);
      const ttl = (p.answers?.[0] as { ttl: number }).ttl;
      assert.ok(ttl <= 100 && ttl >= 99, `TTL ${ttl}`);
    }
    assert.equal(server.stats().forwardCacheHits, 1);
  } finally {
    await server.close();
    await upstream.close();
  }
});

test('many forwards in flight at once raise no MaxListenersExceededWarning on the forwarder close signal', async () => {
  // An upstream that takes every question and never answers: each exchange stays in flight.
  const sink = dgram.createSocket('udp4');
  sink.bind(0, '127.0.0.1');
  await once(sink, 'listening');
  const IN_FLIGHT = 30;
  let received = 0;
  const allIn = new Promise<void>((r) => sink.on('message', () => { if (++received === IN_FLIGHT) r(); }));
  const { server, port } = await startDnsServer(new MemoryZones(), { forward: true, upstreams: [up(sink.address().port)] });
  const warnings: Error[] = [];
  const onWarning = (w: Error) => { warnings.push(w); };
  process.on('warning', onWarning);
  const client = dgram.createSocket('udp4');
  try {
    for (let i = 0; i < IN_FLIGHT; i++) client.send(query(`n${i}.example`, 'A'), port, '127.0.0.1');
    await allIn;
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
  } finally {
    process.off('warning', onWarning);
    client.close();
    await server.close();
    sink.close();
  }
});
