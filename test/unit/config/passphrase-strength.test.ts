import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passphraseBits, weakPassphraseWarnings } from '../../../src/config/passphrase-strength.js';
import { newPassphrase, passphraseEntropyBits } from '../../../src/cli/passphrase-new.js';
import type { ZoneConfig } from '../../../src/config/types.js';

const zone = (label: string, pass: string) => ({ label, passphrase: Buffer.from(pass) }) as unknown as ZoneConfig;

test('wherez passphrase: 10 BIP39 words, 110 bits, drawn from the whole list', () => {
  assert.equal(passphraseEntropyBits(), 110);
  const p = newPassphrase();
  assert.equal(p.split('-').length, 10);
  assert.notEqual(newPassphrase(), p);
  // The picker sees the full range: index 0 and 2047 map to the first and last words.
  assert.equal(newPassphrase(2, (n) => n - 1), 'zoo-zoo');
  assert.equal(newPassphrase(1, () => 0), 'abandon');
});

test('zxcvbn: common passwords are weak, generated passphrases are not; warnings never carry the passphrase', async () => {
  assert.ok(await passphraseBits(Buffer.from('password1')) < 20);
  assert.ok(await passphraseBits(Buffer.from(newPassphrase())) > 100);
  const warnings = await weakPassphraseWarnings([zone('weak', 'Summer2024!'), zone('strong', newPassphrase())]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^zones\.weak: weak passphrase \(about \d+ bits/);
  assert.ok(!warnings[0]!.includes('Summer2024'));
});

test('weakPassphraseWarnings stops its worker when the signal aborts (a serve stopped during the check waited for the dictionaries to load)', async () => {
  const stop = new AbortController();
  const check = weakPassphraseWarnings([zone('weak', 'Summer2024!')], stop.signal);
  stop.abort();
  await assert.rejects(check, { name: 'AbortError' });
  const already = new AbortController();
  already.abort();
  await assert.rejects(weakPassphraseWarnings([zone('weak', 'Summer2024!')], already.signal), { name: 'AbortError' });
  // An unaborted signal changes nothing.
  assert.equal((await weakPassphraseWarnings([zone('weak', 'Summer2024!')], new AbortController().signal)).length, 1);
});
