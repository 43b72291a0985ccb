import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { findAuthenticatedPeers, startTestnet } from '../../src/index.js';
import { FAST_TIMING } from '../helpers/wait.js';

test('findAuthenticatedPeers: two iterators find each other; leaving the loop closes the sockets', async (t) => {
  const swarm = await startTestnet({ nodes: 10 });
  t.after(() => swarm.close());
  const stop = new AbortController();
  t.after(() => stop.abort());
  let authPortOfA = 0;
  const a = findAuthenticatedPeers({
    passphrase: 'library-secret', appPort: 5000, port: 0, host: '127.0.0.61', bootstrap: swarm.bootstrap,
    timing: FAST_TIMING, signal: stop.signal, onStart: ({ discovery }) => { authPortOfA = discovery.authPort; },
  });
  const b = findAuthenticatedPeers({ passphrase: 'library-secret', appPort: 5001, port: 0, host: '127.0.0.62', bootstrap: swarm.bootstrap, timing: FAST_TIMING });
  // Both wait for their first peer before either leaves (a node that left cannot be verified).
  const [ra, rb] = await Promise.all([a.next(), b.next()]);
  assert.equal(`${rb.value!.host}:${rb.value!.port}`, '127.0.0.61:5000');
  assert.equal(ra.done, false);
  assert.equal(`${ra.value!.host}:${ra.value!.port}`, '127.0.0.62:5001');
  assert.equal(ra.value!.authPort > 0, true);
  // return() (what `break` calls) closes b's DHT node and auth listener.
  assert.deepEqual(await b.return(undefined), { done: true, value: undefined });
  // Abort ends a's iteration; its auth listener is closed afterwards.
  stop.abort();
  assert.deepEqual(await a.next(), { done: true, value: undefined });
  const refused = await new Promise<boolean>((resolve) => {
    const s = net.connect(authPortOfA, '127.0.0.61');
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });
  assert.ok(refused, 'the auth listener is gone');
});
