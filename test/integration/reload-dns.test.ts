import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { query, rcodeOf, udpExchange } from '../helpers/dns-client.js';
import { dig } from '../helpers/dig.js';

const RCODE_REFUSED = 5;
/** Each query waits this long for its answer; an answer later than that counts as lost. */
const ANSWER_TIMEOUT_MS = 1_000;

test('reload of listen, allow and TTL caps under a query loop: no query goes unanswered, each change takes effect', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'wherez-reload-dns-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cfg = (lines: string[]) => parseConfig([
    'forward: false', `state_dir: ${join(dir, 'state')}`, 'dht: { bind: 127.0.0.1, port: 0, bootstrap: [] }',
    'zones:', '  ldap: { passphrase_env: K, ttl: 30 }', ...lines,
  ].join('\n'), { file: 'zones.yaml', baseDir: dir, env: { K: 'reload-dns-secret' } }).then((l) => l.config);

  const daemon = new Daemon(await cfg(['listen: ["127.0.0.1:0"]', 'max_ttl: 300']));
  t.after(() => daemon.close());
  await daemon.start();
  const port = daemon.dnsEndpoints[0]!.port;
  const txtTtl = async (host: string, p: number) => /_ldap\._wherez\.local\.\s+(\d+)\s+IN\s+TXT/.exec(await dig(host, p, '_ldap._wherez.local', 'TXT'))?.[1];
  // No peers: the facts live as long as a negative answer, min(zone ttl, max_ttl, negative_ttl).
  assert.equal(await txtTtl('127.0.0.1', port), '5');

  // The load: one query after another, as fast as answers come, until told to stop.
  let running = true;
  const rcodes: number[] = [];
  let lost = 0;
  const loop = (async () => {
    while (running) {
      const reply = await udpExchange(port, query('_ldap._wherez.local', 'TXT'), { timeoutMs: ANSWER_TIMEOUT_MS });
      if (reply) rcodes.push(rcodeOf(reply)); else lost++;
    }
  })();
  t.after(async () => { running = false; await loop; });
  const answered = async (n: number) => { const goal = rcodes.length + n; while (rcodes.length < goal && lost === 0) await new Promise((r) => setImmediate(r)); };
  await answered(50);

  // 1: a second listener, lower TTL caps, a wider allow list. The first listener keeps its port.
  const d1 = await daemon.reload(await cfg(['listen: ["127.0.0.1:' + port + '", "127.0.0.43:0"]', 'max_ttl: 7', 'negative_ttl: 3', 'allow: ["127.0.0.0/8", "10.0.0.0/8"]']));
  assert.deepEqual(d1.dnsChanged, ['listen', 'allow', 'negativeTtl', 'maxTtl']);
  assert.deepEqual(d1.restartNeeded, []);
  const second = daemon.dnsEndpoints[1]!;
  assert.equal(second.host, '127.0.0.43');
  assert.equal(await txtTtl('127.0.0.43', second.port), '3', 'the new listener answers with the new cap');
  assert.equal(await txtTtl('127.0.0.1', port), '3', 'the old listener too');
  await answered(50);

  // 2: the second listener goes; loopback is no longer allowed: answers become REFUSED, never silence.
  await daemon.reload(await cfg(['listen: ["127.0.0.1:' + port + '"]', 'max_ttl: 7', 'allow: ["10.0.0.0/8"]']));
  await assert.rejects(dig('127.0.0.43', second.port, '_ldap._wherez.local', 'TXT'), 'the removed listener is closed');
  await answered(50);
  assert.equal(rcodes.at(-1), RCODE_REFUSED);

  // 3: a listen address that cannot be bound changes nothing of the DNS side.
  await daemon.reload(await cfg(['listen: ["127.0.0.1:' + port + '", "192.0.2.77:0"]', 'max_ttl: 300', 'allow: ["127.0.0.0/8"]']));
  await answered(50);
  assert.equal(rcodes.at(-1), RCODE_REFUSED, 'the previous allow list still applies');

  running = false;
  await loop;
  assert.equal(lost, 0, `${lost} of ${rcodes.length + lost} queries unanswered`);
  assert.ok(rcodes.length >= 200);
});
