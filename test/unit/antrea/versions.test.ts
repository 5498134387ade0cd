// Which Antrea releases do what (src/antrea/versions.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseRelease,
  persistsSelfSignedPair,
  selectsConsumersByLabel,
  rewritesSecretType,
} from '../../../src/antrea/versions.ts';

const release = (v: string) => {
  const r = parseRelease(v);
  assert.ok(r, v);
  return r;
};

test('pair-persisting releases are v2 and the late 1.13-1.15 patches', () => {
  for (const v of ['v2.0.0', 'v2.7.0-3f2a1b', 'v1.13.4', 'v1.14.3', 'v1.15.1', 'v1.16.0'])
    assert.equal(persistsSelfSignedPair(release(v)), true, v);
  for (const v of ['v1.0.0', 'v1.12.3', 'v1.13.3', 'v1.14.2', 'v1.15.0'])
    assert.equal(persistsSelfSignedPair(release(v)), false, v);
  assert.equal(parseRelease('latest'), undefined);
  assert.equal(selectsConsumersByLabel(release('v1.11.0')), false);
  assert.equal(selectsConsumersByLabel(release('v1.12.0')), true);
});

test('only v1.13.4, v1.14.3 and v1.15.1 rewrite the Secret type (antrea-io/antrea#6205)', () => {
  for (const v of ['v1.13.4', 'v1.14.3', 'v1.15.1'])
    assert.equal(rewritesSecretType(release(v)), true, v);
  for (const v of ['v1.13.3', 'v1.15.0', 'v1.15.2', 'v1.16.0', 'v2.0.0', 'v2.7.0'])
    assert.equal(rewritesSecretType(release(v)), false, v);
});
