import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type net from 'node:net';
import { connect as netConnect } from 'node:net';
import dnsPacket from 'dns-packet';
import { FrameReader, frame, query, tcpConnect, tcpExchange, udpExchange } from '../helpers/dns-client.js';
import { startDnsServer } from '../helpers/dns-server.js';
import { startUpstream } from '../helpers/dns-upstream.js';
import { MemoryZones, peers } from '../helpers/dns-zones.js';
import { waitFor } from '../helpers/wait.js';

const zones = () => new MemoryZones({ ldap: { peers: peers(3, 60_000, Date.now()) }, many: { peers: peers(40, 60_000, Date.now()) } });

test('pipelining: many questions in one write, every one answered on the connection', async () => {
  const { server, port } = await startDnsServer(zones());
  const { sock, reader } = await tcpConnect(port);
  try {
    const ids = Array.from({ length: 100 }, (_, i) => 1000 + i);
    sock.write(Buffer.concat(ids.map((id) => frame(query(id % 2 ? '_ldap._wherez.local' : '_many._wherez.local', 'SRV', { id })))));
    const got = new Set<number>();
    for (const _ of ids) {
      const p = dnsPacket.decode(await reader.next());
      got.add(p.id ?? -1);
      assert.equal(p.answers?.length, (p.id ?? 0) % 2 ? 3 : 40);
    }
    assert.deepEqual([...got].sort(), ids);
  } finally {
    sock.destroy();
    await server.close();
  }
});

test('answers go out as soon as they are ready: a zone answer overtakes a slow forwarded one', async () => {
  const upstream = await startUpstream({ slowMs: 300 });
  const { server, port } = await startDnsServer(zones(), { forward: true, upstreams: [{ host: '127.0.0.1', port: upstream.port }] });
  const { sock, reader } = await tcpConnect(port);
  try {
    sock.write(Buffer.concat([frame(query('slow.example', 'A', { id: 1 })), frame(query('_ldap._wherez.local', 'SRV', { id: 2 }))]));
    assert.equal(dnsPacket.decode(await reader.next()).id, 2);
    assert.equal(dnsPacket.decode(await reader.next()).id, 1);
  } finally {
    sock.destroy();
    await server.close();
    await upstream.close();
  }
});

test('idle and half-sent connections are closed after the idle timeout; others are served meanwhile', async () => {
  const { server, port } = await startDnsServer(zones(), { tcpIdleTimeoutMs: 300 });
  const silent = await tcpConnect(port);
  const half = await tcpConnect(port);
  try {
    const t = performance.now();
    half.sock.write(frame(query('_ldap._wherez.local', 'SRV')).subarray(0, 9));
    assert.ok(await udpExchange(port, query('_ldap._wherez.local', 'SRV')));
    assert.ok((await tcpExchange(port, query('_ldap._wherez.local', 'SRV'))).length > 12);
    await Promise.all([once(silent.sock, 'close'), once(half.sock, 'close')]);
    const elapsed = performance.now() - t;
    assert.ok(elapsed >= 250 && elapsed < 2000, `closed after ${Math.round(elapsed)} ms`);
  } finally {
    silent.sock.destroy();
    half.sock.destroy();
    await server.close();
  }
});

test('a client that half-closes after asking still gets its answers, then the server closes', async () => {
  const { server, port } = await startDnsServer(zones());
  const { sock, reader } = await tcpConnect(port);
  try {
    sock.end(Buffer.concat([frame(query('_ldap._wherez.local', 'A', { id: 5 })), frame(query('_ldap._wherez.local', 'TXT', { id: 6 }))]));
    const ids = [dnsPacket.decode(await reader.next()).id, dnsPacket.decode(await reader.next()).id];
    assert.deepEqual(ids.sort(), [5, 6]);
    await once(sock, 'close');
  } finally {
    sock.destroy();
    await server.close();
  }
});

test('connection cap: with the cap held, another connection is closed unanswered; a freed slot serves the next one', async () => {
  const { server, port } = await startDnsServer(zones(), { maxTcpConnections: 2 });
  const held = [await tcpConnect(port), await tcpConnect(port)];
  const ask = async (c: { sock: net.Socket; reader: FrameReader }, id: number): Promise<number | undefined> => {
    c.sock.write(frame(query('_ldap._wherez.local', 'SRV', { id })));
    return dnsPacket.decode(await c.reader.next()).id;
  };
  let extra: { sock: net.Socket; reader: FrameReader } | undefined;
  let next: { sock: net.Socket; reader: FrameReader } | undefined;
  try {
    // Both held connections are accepted and served: the cap is full, not merely not exceeded.
    assert.deepEqual([await ask(held[0]!, 1), await ask(held[1]!, 2)], [1, 2]);
    assert.equal(server.stats().tcpConnectionsOpen, 2);
    extra = await tcpConnect(port);
    let answered = false;
    void extra.reader.next().then(() => { answered = true; });
    extra.sock.write(frame(query('_ldap._wherez.local', 'SRV', { id: 3 })));
    await once(extra.sock, 'close');
    assert.equal(answered, false, 'over the cap: closed without an answer');
    assert.equal(server.stats().tcpConnectionsOpen, 2);
    held[0]!.sock.destroy();
    await waitFor(() => server.stats().tcpConnectionsOpen === 1, 2_000, 'the slot to be freed');
    next = await tcpConnect(port);
    assert.equal(await ask(next, 4), 4, 'a freed slot is served');
  } finally {
    for (const c of [...held, extra, next]) c?.sock.destroy();
    await server.close();
  }
});

test('a client that never reads its answers stalls nobody', async () => {
  const { server, port } = await startDnsServer(zones());
  const reader = await tcpConnect(port);
  const hog = await tcpConnect(port);
  try {
    // The hog asks for ~3 KB answers a thousand times and never reads them.
    hog.sock.pause();
    hog.sock.write(Buffer.concat(Array.from({ length: 1000 }, () => frame(query('_many._wherez.local', 'SRV')))));
    reader.sock.write(frame(query('_ldap._wherez.local', 'SRV', { id: 77 })));
    assert.equal(dnsPacket.decode(await reader.reader.next()).id, 77);
    assert.ok(await udpExchange(port, query('_ldap._wherez.local', 'SRV'), { timeoutMs: 500 }));
  } finally {
    reader.sock.destroy();
    hog.sock.destroy();
    await server.close();
  }
});

test('a query trickled one byte at a time is cut at the query deadline, which bytes do not reset', async () => {
  const { server, port } = await startDnsServer(zones(), { tcpIdleTimeoutMs: 1_000, tcpQueryDeadlineMs: 400 });
  const slow = await tcpConnect(port);
  const bytes = frame(query('_ldap._wherez.local', 'SRV'));
  // One byte every 50 ms: the 1 s idle timer alone would never fire.
  let i = 0;
  const trickle = setInterval(() => { if (i < bytes.length - 1 && !slow.sock.destroyed) slow.sock.write(bytes.subarray(i, ++i)); }, 50);
  try {
    const t = performance.now();
    const closed = await Promise.race([once(slow.sock, 'close').then(() => true), new Promise((r) => setTimeout(() => r(false), 3_000))]);
    const elapsed = performance.now() - t;
    assert.equal(closed, true, 'closed by the server');
    assert.ok(elapsed >= 350 && elapsed < 1_000, `closed after ${Math.round(elapsed)} ms`);
    assert.equal(server.stats().tcpQueryDeadlines, 1);
    // A whole query on a fresh connection is answered as usual.
    assert.ok((await tcpExchange(port, query('_ldap._wherez.local', 'SRV'))).length > 12);
  } finally {
    clearInterval(trickle);
    slow.sock.destroy();
    await server.close();
  }
});

/** A TCP connection from `source` (a 127.x address) that has been accepted and is held by the server. */
async function heldFrom(port: number, source: string): Promise<net.Socket> {
  const sock = netConnect({ host: '127.0.0.1', port, localAddress: source });
  sock.on('error', () => {});
  await once(sock, 'connect');
  sock.write(Buffer.from([0xff, 0xff, 0x41])); // a 65,535-byte frame, started: a slow client
  return sock;
}

test('TCP slots are shared per source: slow clients of one network cannot lock out another', async () => {
  const { server, port } = await startDnsServer(zones(), { maxTcpConnections: 8, maxTcpConnectionsPerIp: 2, maxTcpConnectionsPerPrefix: 4 });
  const slow: net.Socket[] = [];
  try {
    // Three addresses of 127.0.1.0/24 try 3 connections each: 2 per IP, 4 for the prefix.
    for (const ip of ['127.0.1.1', '127.0.1.2', '127.0.1.3']) for (let i = 0; i < 3; i++) slow.push(await heldFrom(port, ip));
    await waitFor(() => server.stats().tcpConnectionsRefused === 5, 2_000, 'five refused');
    assert.equal(server.stats().tcpConnectionsOpen, 4);
    // A second network fills the remaining slots.
    for (const ip of ['127.0.3.1', '127.0.3.2']) for (let i = 0; i < 2; i++) slow.push(await heldFrom(port, ip));
    await waitFor(() => server.stats().tcpConnectionsOpen === 8, 2_000, 'all slots held');
    // All 8 held: an honest client of a third network takes the oldest slot of a busiest one.
    const honest = netConnect({ host: '127.0.0.1', port, localAddress: '127.0.2.1' });
    const reader = new FrameReader(honest);
    await once(honest, 'connect');
    honest.write(frame(query('_many._wherez.local', 'SRV', { id: 99 })));
    const p = dnsPacket.decode(await reader.next());
    assert.equal(p.id, 99);
    assert.equal(p.answers?.length, 40);
    honest.destroy();
    assert.equal(server.stats().tcpConnectionsPreempted, 1);
  } finally {
    for (const s of slow) s.destroy();
    await server.close();
  }
});
