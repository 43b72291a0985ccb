import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authCheck, formatChecks, setupFix, systemPathCheck, wherezFacts } from '../../../src/setup/doctor-checks.js';
import { reachableHost } from '../../../src/net/endpoint.js';

const ep = (host: string, port: number) => ({ host, port });

test('setupFix names the setup commands this config can use, or why none fits', () => {
  assert.equal(setupFix({ listen: [ep('127.0.0.1', 53)], domain: 'local', forward: true }, '/etc/wherez/zones.yaml', 'linux'),
    'point the system resolver at wherez: wherez setup resolved --config /etc/wherez/zones.yaml --apply, or wherez setup resolv-conf --config /etc/wherez/zones.yaml --apply (docs/operations.md, "Pointing resolvers at it")');
  // Off port 53, resolv.conf cannot point at wherez: only the resolved drop-in is offered.
  assert.match(setupFix({ listen: [ep('127.0.0.1', 5300)], domain: 'local', forward: false }, 'z.yaml', 'linux'), /wherez setup resolved --config z\.yaml --apply \(/);
  assert.match(setupFix({ listen: [ep('127.0.0.1', 5300)], domain: 'local', forward: false }, 'z.yaml', 'darwin'), /wherez setup resolver --config z\.yaml --apply/);
});

test('systemPathCheck: the listener\'s answer passes, another server\'s or an error fails with the fix', () => {
  assert.equal(systemPathCheck('getaddrinfo', 'ns._wherez.local', ['127.0.0.1'], { value: ['127.0.0.1'] }, 'FIX').ok, true);
  const other = systemPathCheck('getaddrinfo', 'ns._wherez.local', ['127.0.0.1'], { value: ['192.0.2.1'] }, 'FIX');
  assert.deepEqual(other, { ok: false, line: 'getaddrinfo: ns._wherez.local -> 192.0.2.1, but wherez answers 127.0.0.1: another server answered', fix: 'FIX' });
  assert.equal(systemPathCheck('res_query', 'x TXT', [], { error: 'ENOTFOUND' }, 'FIX').fix, 'FIX');
  assert.equal(systemPathCheck('res_query', 'x TXT', [], { value: [] }, 'FIX').ok, false);
});

test('wherezFacts keeps only peers= and stale=; formatChecks counts failures', () => {
  assert.deepEqual(wherezFacts(['v=spf1', 'peers=2', 'stale=0']), ['peers=2', 'stale=0']);
  assert.equal(formatChecks([{ ok: true, line: 'a' }, { ok: false, line: 'b', fix: 'c' }]), 'ok    a\nFAIL  b\n      fix: c\n1 of 2 checks failed\n');
});

test('reachableHost: a wildcard is reached on loopback of its family', () => {
  assert.equal(reachableHost('0.0.0.0'), '127.0.0.1');
  assert.equal(reachableHost('::'), '::1');
  assert.equal(reachableHost('10.0.0.5'), '10.0.0.5');
});

test('authCheck: unreachable (a firewall drops or an unreachable rule) asks to open the port; refused asks first whether wherez runs', () => {
  assert.deepEqual(authCheck('ldap', ep('127.0.0.1', 40001), { value: true }), { ok: true, line: 'zone ldap: auth port 127.0.0.1:40001 reachable (tcp)' });
  const unreachable = authCheck('ldap', ep('127.0.0.1', 40001), { error: 'ENETUNREACH' });
  assert.equal(unreachable.fix, 'open TCP port 40001 (zone ldap\'s auth_port) in the firewall: peers verify this node there, and without it no one lists it');
  const refused = authCheck('ldap', ep('127.0.0.1', 40001), { error: 'ECONNREFUSED' });
  assert.equal(refused.line, 'zone ldap: auth port 127.0.0.1:40001: ECONNREFUSED');
  assert.match(refused.fix!, /^nothing accepted the connection: is wherez serve running with zone ldap \(wherez status; .*\)\? If it is, open TCP port 40001 /);
});
