// The bounded pool of a fleet run (src/fleet/pool.ts): never more than the
// limit at once, results in the order of the input, a slow task holds up
// only its own slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapPool } from '../../../src/fleet/pool.ts';

test('at most `parallel` tasks run at once, and the results keep the input order', async () => {
  let running = 0;
  let most = 0;
  const delays = [30, 5, 20, 1, 15, 10, 25, 2, 8, 12];
  const results = await mapPool(delays, 3, async (delay) => {
    running++;
    most = Math.max(most, running);
    await sleep(delay);
    running--;
    return delay * 2;
  });
  assert.equal(most, 3);
  assert.deepEqual(
    results,
    delays.map((d) => d * 2),
  );
});

test('a slow task keeps one slot: the others go on through the rest', async () => {
  const finished: string[] = [];
  await mapPool(['slow', 'a', 'b', 'c', 'd'], 2, async (name) => {
    await sleep(name === 'slow' ? 200 : 5);
    finished.push(name);
  });
  assert.deepEqual(finished, ['a', 'b', 'c', 'd', 'slow']);
});

test('fewer items than slots, and none at all', async () => {
  assert.deepEqual(await mapPool([1], 8, async (n) => n + 1), [2]);
  assert.deepEqual(await mapPool([], 8, async (n: number) => n), []);
});
