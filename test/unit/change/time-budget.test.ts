// One deadline for a change (src/change/change-flags.ts): --timeout bounds the
// writes, the wait and a rollback together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeBudget } from '../../../src/change/change-flags.ts';

test('a change that may roll back keeps half of --timeout for the rollback', () => {
  assert.deepEqual(timeBudget(300_000, true), { waitMs: 150_000, rollbackMs: 150_000 });
  assert.deepEqual(timeBudget(60_000, true), { waitMs: 30_000, rollbackMs: 30_000 });
});

test('a change that cannot roll back waits the whole --timeout', () => {
  assert.deepEqual(timeBudget(300_000, false), { waitMs: 300_000, rollbackMs: 0 });
});

test('the shares never add up to more than --timeout', () => {
  for (const ms of [1, 7, 1_000, 8_000, 299_999, 3_600_000]) {
    const { waitMs, rollbackMs } = timeBudget(ms, true);
    assert.equal(waitMs + rollbackMs, ms);
  }
});
