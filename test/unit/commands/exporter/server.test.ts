// The exporter's endpoints as a client sees them on a real socket: 405 names
// what is allowed, and a client that trickles its headers is cut off soon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { HEADERS_TIMEOUT_MS, serve } from '../../../../src/commands/exporter/server.ts';

const endpoints = { metrics: () => Promise.resolve('up 1\n'), unanswered: () => [] };

test('a method other than GET and HEAD is 405 with Allow', async (t) => {
  const { server, port } = await serve({ host: '127.0.0.1', port: 0 }, endpoints);
  t.after(() => server.close());
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, HEAD');
  const ok = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(await ok.text(), 'up 1\n');
});

test('a client that sends its headers a byte at a time is cut off after the headers timeout', async (t) => {
  const { server, port } = await serve({ host: '127.0.0.1', port: 0 }, endpoints);
  t.after(() => server.close());
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  const request = 'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(200);
  let sent = 0;
  const trickle = setInterval(() => {
    if (!socket.destroyed && sent < request.length) socket.write(request[sent++] ?? '');
  }, 250);
  const closedAfter = await new Promise<number>((resolve) => {
    socket.on('close', () => resolve(Date.now() - started));
    socket.on('error', () => undefined);
    socket.resume();
  });
  clearInterval(trickle);
  assert.ok(closedAfter >= HEADERS_TIMEOUT_MS - 100, `closed after ${closedAfter} ms`);
  assert.ok(closedAfter < HEADERS_TIMEOUT_MS + 2_000, `closed after ${closedAfter} ms`);
});
