// Durations as admins write them (src/duration.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, formatDuration } from '../../src/duration.ts';
import { formatDurationExact } from '../../src/duration.ts';
import { DAY } from '../support/certificates.ts';

test('durations', () => {
  assert.equal(parseDuration('30d', '--x'), 30 * DAY);
  assert.equal(parseDuration('720h', '--x'), 30 * DAY);
  assert.equal(parseDuration('1h30m', '--x'), 90 * 60e3);
  assert.equal(parseDuration('0', '--x'), 0);
  assert.throws(
    () => parseDuration('30 days', '--warn-within'),
    /--warn-within takes a duration like 30d/,
  );
  assert.throws(() => parseDuration('', '--x'), /takes a duration/);
  assert.equal(formatDuration(3 * DAY + 5), '3d');
  assert.equal(formatDuration(-2 * 3600e3), '-2h');
  assert.equal(formatDuration(42e3), '42s');
});

test('formatDurationExact keeps every unit a duration takes, in whole seconds', () => {
  assert.deepEqual(
    [200_000, 100_000, 20_000, 300_000, 3_900_000, 0, 1_500].map(formatDurationExact),
    ['3m20s', '1m40s', '20s', '5m', '1h5m', '0s', '2s'],
  );
});
