// When a change Lease still counts: held, and renewed within its duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveHolder } from '../../../src/kube/lease.ts';

const now = new Date('2026-11-28T12:00:00.000Z');
const lease = (
  renewTime: string | undefined,
  seconds = 60,
  holder = 'a@h pid 1 (kubectl antrea-certs rotate)',
) => ({
  spec: {
    holderIdentity: holder,
    leaseDurationSeconds: seconds,
    acquireTime: '2026-11-28T11:58:00.000000Z',
    ...(renewTime ? { renewTime } : {}),
  },
});

test('a Lease renewed within its duration names its holder, since when and how long ago', () => {
  assert.deepEqual(liveHolder(lease('2026-11-28T11:59:30.000000Z'), now), {
    holder: 'a@h pid 1 (kubectl antrea-certs rotate)',
    since: '2026-11-28T11:58:00.000000Z',
    renewedAgoMs: 30_000,
  });
});

test('expired, released, never renewed past its acquisition, or absent: nobody holds it', () => {
  assert.equal(
    liveHolder(lease('2026-11-28T11:59:00.000000Z'), now),
    undefined,
    'exactly 60 s ago',
  );
  assert.equal(
    liveHolder(lease('2026-11-28T11:59:30.000000Z', 60, ''), now),
    undefined,
    'released',
  );
  assert.equal(liveHolder(lease(undefined), now), undefined, 'acquired 2 min ago, never renewed');
  assert.ok(liveHolder(lease(undefined, 300), now), 'acquired 2 min ago, 5 min duration');
  assert.equal(liveHolder(undefined, now), undefined);
  assert.equal(liveHolder({ spec: { holderIdentity: 'x', renewTime: 'garbage' } }, now), undefined);
});
