// Durations as admins write them (src/duration.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, formatDuration } from '../../src/duration.ts';
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
