// --listen: [HOST]:PORT as exporters take it; anything else is one sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListen } from '../../../../src/commands/exporter/listen.ts';
import { UsageError } from '../../../../src/errors.ts';

test('a port alone listens everywhere; a host or a bracketed IPv6 address narrows it', () => {
  assert.deepEqual(parseListen(':10027'), { port: 10027 });
  assert.deepEqual(parseListen('127.0.0.1:9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListen('localhost:80'), { host: 'localhost', port: 80 });
});

test('no port, a port past 65535 or an unbracketed IPv6 address is refused with the form to use', () => {
  for (const bad of ['10027', ':', ':65536', '::1:80', 'host:port', '']) {
    assert.throws(
      () => parseListen(bad),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /--listen takes \[HOST\]:PORT/);
        return true;
      },
    );
  }
});
