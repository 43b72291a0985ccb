import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { isWherezError } from '../../src/errors.js';
import { createDnsServer } from '../../src/dns/server.js';
import { UDP_RECV_BUFFER_BYTES } from '../../src/dns/udp.js';
import { dig, query, tcpExchange, udpExchange } from '../helpers/dns-client.js';
import { nodeResolver, startDnsServer } from '../helpers/dns-server.js';
import { MemoryZones, peers } from '../helpers/dns-zones.js';
import { waitFor } from '../helpers/wait.js';

const zones = () => new MemoryZones({
  ldap: { peers: [...peers(3, 60_000, Date.now()), { host: '2001:db8::5', port: 636, expiresAt: Date.now() + 60_000 }] },
  empty: {},
  many: { peers: peers(40, 60_000, Date.now()) },
});

test('dig: SRV with addresses, A, TXT, NXDOMAIN and NODATA with SOA', async () => {
  const { server, port } = await startDnsServer(zones(), { forward: false }); // split DNS: no RA
  try {
    const srv = await dig(port, 'SRV', '_ldap._wherez.local');
    assert.match(srv, /status: NOERROR/);
    assert.match(srv, /flags: qr aa rd;/);
    assert.match(srv, /_ldap\._wherez\.local\.\s+\d+\s+IN\s+SRV\s+0 0 8000 h-10-0-0-1\._wherez\.local\./);
    assert.match(srv, /h-2001-0db8-0000-0000-0000-0000-0000-0005\._wherez\.local\.\s+\d+\s+IN\s+AAAA\s+2001:db8::5/);
    assert.equal((await dig(port, '+short', 'A', '_LDAP._wherez.local')).trim().split('\n').sort().join(','), '10.0.0.1,10.0.0.2,10.0.0.3');
    assert.match(await dig(port, '+short', 'TXT', '_ldap._wherez.local'), /"peers=4" "stale=0"/);
    const nx = await dig(port, 'SRV', '_nope._wherez.local');
    assert.match(nx, /status: NXDOMAIN/);
    assert.match(nx, /AUTHORITY SECTION:\n_wherez\.local\.\s+5\s+IN\s+SOA\s+ns\._wherez\.local\. hostmaster\._wherez\.local\./);
    const nodata = await dig(port, 'SRV', '_empty._wherez.local');
    assert.match(nodata, /status: NOERROR.*\n.*ANSWER: 0, AUTHORITY: 1/);
  } finally {
    await server.close();
  }
});

test('node:dns (c-ares): resolveSrv, resolve4, resolve6, resolveTxt, resolvePtr, and negative answers', async () => {
  const { server, port } = await startDnsServer(zones(), { forward: false });
  try {
    const r = nodeResolver(port);
    const srv = await r.resolveSrv('_ldap._wherez.local');
    assert.deepEqual(srv.map((s) => `${s.name}:${s.port}`), ['h-10-0-0-1._wherez.local:8000', 'h-10-0-0-2._wherez.local:8001',
      'h-10-0-0-3._wherez.local:8002', 'h-2001-0db8-0000-0000-0000-0000-0000-0005._wherez.local:636']);
    assert.deepEqual(await r.resolve4('h-10-0-0-2._wherez.local'), ['10.0.0.2']);
    assert.deepEqual(await r.resolve6('_ldap._wherez.local'), ['2001:db8::5']);
    assert.deepEqual(await r.resolveTxt('_ldap._wherez.local'), [['peers=4', 'stale=0']]);
    assert.deepEqual(await r.resolvePtr('_services._dns-sd._udp._wherez.local'),
      ['_ldap._tcp._wherez.local', '_empty._tcp._wherez.local', '_many._tcp._wherez.local'], 'RFC 6763 service types');
    assert.equal((await r.resolvePtr('_ldap._wherez.local')).length, 4);
    assert.equal((await r.resolvePtr('_ldap._tcp._wherez.local')).length, 4);
    assert.deepEqual((await r.resolveSrv('_ldap._tcp._wherez.local')).map((s) => `${s.name}:${s.port}`),
      srv.map((s) => `${s.name}:${s.port}`), 'the RFC 2782 name answers as the short one');
    await assert.rejects(r.resolveSrv('_nope._wherez.local'), { code: 'ENOTFOUND' });
    await assert.rejects(r.resolveSrv('_empty._wherez.local'), { code: 'ENODATA' });
    await assert.rejects(r.resolve4('example.com'), { code: 'EREFUSED' });
  } finally {
    await server.close();
  }
});

test('40 peers: UDP truncates, dig and c-ares retry over TCP and get all 40', async () => {
  const { server, port } = await startDnsServer(zones());
  try {
    const out = await dig(port, 'SRV', '_many._wherez.local');
    assert.match(out, /Truncated, retrying in TCP mode/);
    assert.match(out, /ANSWER: 40,/);
    assert.match(out, /\(TCP\)/);
    assert.equal((await nodeResolver(port).resolveSrv('_many._wherez.local')).length, 40);
    const stats = server.stats();
    assert.ok(stats.truncated >= 2 && stats.tcp >= 2, JSON.stringify(stats));
  } finally {
    await server.close();
  }
});

test('start binds UDP and TCP on one port; a taken port is a coded error; close is idempotent', async () => {
  const z = zones();
  const { server, port } = await startDnsServer(z, { listen: [{ host: '127.0.0.1', port: 0 }, { host: '127.0.0.2', port: 0 }] });
  const taken = dgram.createSocket('udp4');
  try {
    const msg = query('_ldap._wherez.local', 'A');
    assert.ok(await udpExchange(port, msg));
    assert.ok((await tcpExchange(port, msg)).length > 12);
    const again = createDnsServer({ listen: [{ host: '127.0.0.1', port }], lookup: z.lookup, labels: z.labels });
    await assert.rejects(again.start(), (err) => isWherezError(err, 'WHEREZ_LISTEN_IN_USE') && /udp 127\.0\.0\.1:\d+/.test(err.message));
    await again.close();
    // UDP free but TCP taken: fails on TCP, and releases the UDP socket it had bound.
    const tcpTaken = net.createServer().listen(0, '127.0.0.1');
    await once(tcpTaken, 'listening');
    const p2 = (tcpTaken.address() as net.AddressInfo).port;
    const tcpOnly = createDnsServer({ listen: [{ host: '127.0.0.1', port: p2 }], lookup: z.lookup, labels: z.labels });
    await assert.rejects(tcpOnly.start(), (err) => isWherezError(err, 'WHEREZ_LISTEN_IN_USE') && err.message.includes(`tcp 127.0.0.1:${p2}`));
    await tcpOnly.close();
    tcpTaken.close();
    taken.bind(p2, '127.0.0.1');
    await once(taken, 'listening');
  } finally {
    taken.close();
    await server.close();
    await server.close();
  }
  await assert.rejects(server.start(), (err) => isWherezError(err, 'WHEREZ_CLOSED'));
});

test('a burst of UDP queries while the server is busy is queued by the kernel, not dropped', async (t) => {
  if (Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8')) < UDP_RECV_BUFFER_BYTES) {
    t.skip('net.core.rmem_max is below UDP_RECV_BUFFER_BYTES here: the kernel caps the buffer we ask for');
    return;
  }
  const { server, port } = await startDnsServer(zones(), { forward: false });
  const BURST = 3000;
  // Another process sends the burst while this one (the server) is kept busy for 1 s.
  const sender = spawn(process.execPath, ['--input-type=module', '-e', `
    import dgram from 'node:dgram';
    const msg = Buffer.from('${query('_ldap._wherez.local', 'A', { id: 1 }).toString('hex')}', 'hex');
    const s = dgram.createSocket('udp4');
    let sent = 0;
    const next = () => { if (sent++ < ${BURST}) s.send(msg, ${port}, '127.0.0.1', next); else s.close(); };
    s.bind(0, '127.0.0.1', () => { console.log('go'); next(); });`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(sender.stdout!, 'data');
    const until = performance.now() + 1_000;
    while (performance.now() < until) { /* the server's event loop does not run */ }
    await once(sender, 'exit');
    await waitFor(() => server.stats().udp >= BURST, 5_000, `all ${BURST} queries read (read ${server.stats().udp})`);
  } finally {
    sender.kill();
    await server.close();
  }
});
