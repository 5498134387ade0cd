// The exporter's endpoints as a client sees them on a real socket: 405 names
// what is allowed, a client that trickles its headers or idles is cut off
// soon, and over HTTPS /metrics answers only whom the scrape auth allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { get as httpsGet } from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  HEADERS_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  serve,
} from '../../../../src/commands/exporter/server.ts';
import { ScrapeAuth } from '../../../../src/commands/exporter/scrape-auth.ts';
import { selfMadePair } from '../../../../src/commands/exporter/serving-tls.ts';

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

test('HTTPS with a self-made certificate: /metrics asks the scrape auth, the probes stay open', async (t) => {
  const tls = selfMadePair(60_000);
  t.after(() => tls.stop());
  const auth = new ScrapeAuth({
    user: async (token) => (token === 'good' ? { username: 'prometheus' } : undefined),
    may: async () => true,
  });
  const { server, port } = await serve({ host: '127.0.0.1', port: 0 }, endpoints, { tls, auth });
  t.after(() => server.close());
  const get = (path: string, token?: string) =>
    new Promise<{ status: number; body: string; authenticate?: string; peer: string }>(
      (resolve, reject) => {
        const request = httpsGet(
          {
            host: '127.0.0.1',
            port,
            path,
            rejectUnauthorized: false,
            agent: false,
            headers: token ? { authorization: `Bearer ${token}` } : {},
          },
          (response) => {
            const peer = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
            let body = '';
            response.on('data', (chunk: Buffer) => void (body += chunk.toString()));
            response.on('end', () => {
              resolve({
                status: response.statusCode ?? 0,
                body,
                peer,
                ...(response.headers['www-authenticate']
                  ? { authenticate: response.headers['www-authenticate'] }
                  : {}),
              });
            });
          },
        );
        request.on('error', reject);
      },
    );
  const anonymous = await get('/metrics');
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.authenticate ?? '', /^Bearer/);
  assert.equal((await get('/metrics', 'bad')).status, 401);
  const good = await get('/metrics', 'good');
  assert.equal(good.status, 200);
  assert.equal(good.body, 'up 1\n');
  assert.equal((await get('/healthz')).status, 200);
  assert.equal((await get('/readyz')).status, 200);
  // A new pair is served without a restart.
  const before = good.peer;
  tls.onChange(selfMadePair(60_000).pair);
  const after = await get('/healthz');
  assert.notEqual(after.peer, before);
});

test('an idle kept-alive connection is closed within 10 s', async (t) => {
  const { server, port } = await serve({ host: '127.0.0.1', port: 0 }, endpoints);
  t.after(() => server.close());
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  const closedAfter = await new Promise<number>((resolve) => {
    socket.on('close', () => resolve(Date.now() - started));
    socket.on('error', () => undefined);
    socket.resume();
  });
  assert.ok(closedAfter >= IDLE_TIMEOUT_MS - 500, `closed after ${closedAfter} ms`);
  assert.ok(closedAfter < IDLE_TIMEOUT_MS + 2_000, `closed after ${closedAfter} ms`);
});
