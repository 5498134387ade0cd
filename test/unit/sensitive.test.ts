// Sensitive (src/sensitive.ts): a private key in one never prints, however it
// is turned into text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { Sensitive } from '../../src/sensitive.ts';

const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

test('a Sensitive value never prints', () => {
  const secret = new Sensitive(keyPem);
  // What it hides is a key, and reveal() is the way back to it.
  assert.match(keyPem, /PRIVATE KEY/);
  assert.equal(secret.reveal(), keyPem);
  for (const shown of [
    JSON.stringify({ secret }),
    String(secret),
    `${secret}`,
    inspect({ secret }),
  ]) {
    assert.doesNotMatch(shown, /PRIVATE KEY/);
    assert.match(shown, /\[redacted\]/);
  }
});
