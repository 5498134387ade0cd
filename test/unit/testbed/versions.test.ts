import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseRelease,
  persistsSelfSignedPair,
  selectsConsumersByLabel,
} from '../../testbed/antrea/versions.ts';

test('which releases persist the self-signed pair in the Secret', () => {
  const persists = (v: string) => persistsSelfSignedPair(parseRelease(v));
  for (const v of ['v2.0.0', 'v2.7.0', 'v1.13.4', 'v1.14.3', 'v1.15.1', 'v1.16.0'])
    assert.equal(persists(v), true, v);
  for (const v of ['v1.0.0', 'v1.12.3', 'v1.13.3', 'v1.14.2', 'v1.15.0', '1.11.0'])
    assert.equal(persists(v), false, v);
});

test('consumers are selected by label from v1.12', () => {
  assert.equal(selectsConsumersByLabel(parseRelease('v1.11.9')), false);
  assert.equal(selectsConsumersByLabel(parseRelease('v1.12.0')), true);
  assert.equal(selectsConsumersByLabel(parseRelease('v2.7.0-abcdef')), true);
});

test('a version that is not a release is refused', () => {
  assert.throws(() => parseRelease('latest'), /not an Antrea release/);
});
