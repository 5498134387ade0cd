// The bounded pool of a fleet run (src/fleet/pool.ts): never more than the
// limit at once, results in the order of the input, a slow task holds up
// only its own slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import { mapPool } from '../../../src/fleet/pool.ts';

/** A promise the test settles when it chooses. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Tasks that each wait for their own gate, and what the pool has started so far. */
function gated(count: number) {
  const gates = Array.from({ length: count }, gate);
  const started: number[] = [];
  let running = 0;
  let most = 0;
  const task = async (i: number) => {
    started.push(i);
    running++;
    most = Math.max(most, running);
    await gates[i]?.promise;
    running--;
    return `result ${i}`;
  };
  return { gates, started, task, most: () => most };
}

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

test('a slot freed starts the next item, in input order, never one more', async () => {
  const { gates, started, task, most } = gated(6);
  const items = [0, 1, 2, 3, 4, 5];
  const done = mapPool(items, 2, task);
  await turn();
  assert.deepEqual(started, [0, 1]);
  // The second finishes first: its slot takes the third item; the first still holds its own.
  gates[1]?.open();
  await turn();
  assert.deepEqual(started, [0, 1, 2]);
  gates[2]?.open();
  gates[3]?.open();
  await turn();
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  for (const g of gates) g.open();
  // Finished out of order, the results are still those of the items in turn.
  assert.deepEqual(await done, [
    'result 0',
    'result 1',
    'result 2',
    'result 3',
    'result 4',
    'result 5',
  ]);
  assert.deepEqual(started, items);
  assert.equal(most(), 2);
});

test('results keep the input order when the tasks finish in reverse', async () => {
  const { gates, task, most } = gated(5);
  const done = mapPool([0, 1, 2, 3, 4], 5, task);
  await turn();
  for (const g of [...gates].reverse()) {
    g.open();
    await turn();
  }
  assert.deepEqual(await done, ['result 0', 'result 1', 'result 2', 'result 3', 'result 4']);
  assert.equal(most(), 5);
});

test('with one slot the tasks run one after another', async () => {
  const { gates, started, task, most } = gated(3);
  const done = mapPool([0, 1, 2], 1, task);
  for (const i of [0, 1, 2]) {
    await turn();
    assert.deepEqual(started, [0, 1, 2].slice(0, i + 1));
    gates[i]?.open();
  }
  assert.deepEqual(await done, ['result 0', 'result 1', 'result 2']);
  assert.equal(most(), 1);
});

test(
  'a slow task keeps one slot: the others go on through the rest',
  { timeout: 5000 },
  async () => {
    const slow = gate();
    const finished: string[] = [];
    const others = ['a', 'b', 'c', 'd'];
    // The slow task ends only once all the others have: were it to hold them up, this would hang
    // (and fail on the timeout).
    await mapPool(['slow', ...others], 2, async (name) => {
      if (name === 'slow') await slow.promise;
      else await sleep(5);
      finished.push(name);
      if (finished.length === others.length) slow.open();
    });
    assert.deepEqual(finished, ['a', 'b', 'c', 'd', 'slow']);
  },
);

test('a task that throws rejects the whole run with its error', async () => {
  await assert.rejects(
    mapPool([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('task 2 failed');
      return n;
    }),
    /^Error: task 2 failed$/,
  );
});

test('fewer items than slots, and none at all', async () => {
  assert.deepEqual(await mapPool([1], 8, async (n) => n + 1), [2]);
  assert.deepEqual(await mapPool([], 8, async (n: number) => n), []);
});
