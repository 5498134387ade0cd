// The informers' backoff: doubling to a cap, with jitter that spreads a crowd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/kube/backoff.ts';

test('the delay doubles from the first one; jitter adds up to as much again; nothing passes the cap', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 100].map((n) => backoffDelay(n, 800, 30_000, 0)),
    [800, 1600, 3200, 6400, 12_800, 15_000, 15_000, 15_000],
  );
  assert.equal(backoffDelay(0, 800, 30_000, 0.5), 1200);
  assert.equal(backoffDelay(10, 800, 30_000, 0.999), 29_985);
  assert.equal(backoffDelay(3, 800, 10_000, 0.9), 9500);
});

test('at the cap the delay stays spread between half the cap and the cap', () => {
  const delays = Array.from({ length: 100 }, (_, i) => backoffDelay(50, 800, 5_000, i / 100));
  assert.equal(Math.min(...delays), 2500);
  assert.ok(Math.max(...delays) < 5000);
  assert.equal(new Set(delays).size, 100);
});

test('a thousand informers failing together come back spread over the whole window', () => {
  const delays = Array.from({ length: 1000 }, (_, i) => backoffDelay(3, 800, 30_000, i / 1000));
  assert.equal(new Set(delays).size, 1000);
  assert.ok(Math.min(...delays) === 6400 && Math.max(...delays) < 12_800);
});
