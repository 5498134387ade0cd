// The informer's protocol against an HTTPS server that misbehaves on purpose
// (the testbed's real API server covers the rest in the exporter's tests):
// a watch that goes silent is cut by the client, a 410 lists again, a 403 is
// a refusal and a 404 "not served", neither a read error for 404; a refusal
// after a list keeps the items for a grace period (an API server starting).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Informer, type InformerTiming, type RestartReason } from '../../../src/kube/informer.ts';
import { KINDS } from '../../../src/kube/client.ts';
import { ForbiddenError } from '../../../src/errors.ts';
import { answer, apiServer, ca, failure } from '../../support/fake-api-server.ts';
import { clientFor } from '../../support/context.ts';

const FAST: InformerTiming = {
  watchTimeoutSeconds: 1,
  silenceMarginMs: 300,
  backoffInitialMs: 50,
  backoffMaxMs: 200,
  refusedRetryMs: 200,
  refusalGraceMs: 400,
  accessReviewMs: 100,
};

const pod = (name: string, resourceVersion: string) => ({
  metadata: { name, namespace: 'kube-system', resourceVersion },
});
const isWatch = (request: IncomingMessage) => /[?&]watch=true/.test(request.url ?? '');

/** Waits until the condition holds, polling every 20 ms, or fails after 5 s. */
async function until(what: string, condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5000) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A server with pod a listed and watches held open, answering 500 while `etcd.down`. */
async function serverThatGoesDown(t: TestContext) {
  const etcd = { down: false };
  const watches: ServerResponse[] = [];
  const server = await apiServer(t, (request, response) => {
    if (etcd.down) return answer(response, 500, failure(500, 'etcd is gone'));
    if (!isWatch(request))
      return answer(response, 200, { metadata: { resourceVersion: '5' }, items: [pod('a', '5')] });
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.flushHeaders();
    watches.push(response);
  });
  return { server, watches, etcd };
}

/** An informer of kube-system's Pods labelled app=antrea on the server, started; stopped when the test ends. */
async function informerFor(
  t: TestContext,
  url: string,
  events: { restarts: RestartReason[]; errors: Error[] },
) {
  const client = await clientFor(url, { ca: ca.certPem });
  const informer = new Informer(
    client,
    KINDS.pods,
    'kube-system',
    { labelSelector: 'app=antrea' },
    {
      onChange: () => undefined,
      onError: (error) => events.errors.push(error),
      onRestart: (reason) => events.restarts.push(reason),
    },
    FAST,
  );
  informer.start();
  t.after(() => {
    informer.stop();
    client.close();
  });
  return informer;
}

test('a watch that sends nothing past its timeout is cut and opened again from the same resourceVersion', async (t) => {
  const watches: string[] = [];
  const server = await apiServer(t, (request: IncomingMessage, response: ServerResponse) => {
    if (!isWatch(request)) {
      answer(response, 200, { metadata: { resourceVersion: '7' }, items: [pod('a', '7')] });
      return;
    }
    watches.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.flushHeaders(); // and then nothing, as a connection that died without a reset
  });
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('two watches', () => watches.length >= 2);
  assert.deepEqual(events.restarts.slice(0, 1), ['silent']);
  for (const url of watches) {
    assert.match(url, /resourceVersion=7/);
    assert.match(url, /allowWatchBookmarks=true/);
    assert.match(url, /timeoutSeconds=[12]\b/);
    assert.match(url, /labelSelector=app%3Dantrea/);
  }
  assert.deepEqual(informer.outcome(), { value: [pod('a', '7')] });
});

test('410 Gone lists again; bookmarks move the resourceVersion; a deletion leaves the store', async (t) => {
  let lists = 0;
  let watches = 0;
  const server = await apiServer(t, (request, response) => {
    if (!isWatch(request)) {
      lists++;
      const items = lists === 1 ? [pod('a', '5'), pod('b', '5')] : [pod('c', '20')];
      answer(response, 200, { metadata: { resourceVersion: lists === 1 ? '5' : '20' }, items });
      return;
    }
    watches++;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    if (watches === 1) {
      const events = [
        { type: 'DELETED', object: pod('b', '6') },
        { type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } },
        { type: 'ERROR', object: failure(410, 'too old resource version: 9 (15)') },
      ];
      response.end(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    }
  });
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('the second list', () => lists === 2 && watches === 2);
  assert.deepEqual(events.restarts, ['gone']);
  assert.deepEqual(informer.outcome(), { value: [pod('c', '20')] });
  assert.deepEqual(events.errors, []);
});

test('403 is a refusal with its sentence and a read error; 404 is not served and no read error', async (t) => {
  let status = 403;
  const server = await apiServer(t, (_request, response) =>
    answer(response, status, failure(status, 'no')),
  );
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('the refusal', () => informer.hasSynced);
  const refused = informer.outcome();
  assert.ok(refused && 'refused' in refused);
  assert.match(refused.refused, /you are not allowed to list pods in namespace kube-system/);
  assert.equal(informer.staleSince(), undefined, 'a refusal is an answer, not stale data');
  assert.equal(events.errors.length, 1);
  status = 404;
  await until('not served', () => {
    const outcome = informer.outcome();
    return outcome !== undefined && 'notServed' in outcome;
  });
  await new Promise((resolve) => setTimeout(resolve, 500)); // two more retries
  assert.equal(events.errors.length, 1, 'a kind nothing serves is not a read error');
});

test('a 403 after a list is taken as passing: the items are kept, stale; one that lasts replaces them', async (t) => {
  let refuse = false;
  const watches: ServerResponse[] = [];
  const server = await apiServer(t, (request, response) => {
    if (refuse) return answer(response, 403, failure(403, 'no'));
    if (!isWatch(request))
      return answer(response, 200, { metadata: { resourceVersion: '5' }, items: [pod('a', '5')] });
    response.writeHead(200, { 'Content-Type': 'application/json' });
    watches.push(response);
  });
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('the watch', () => watches.length === 1);
  // The API server restarts: the watch breaks, and the next requests are refused for a while.
  refuse = true;
  watches[0]?.destroy();
  await until('the first refusal', () => events.errors.some((e) => e instanceof ForbiddenError));
  assert.deepEqual(informer.outcome(), { value: [pod('a', '5')] }, 'the items are kept');
  assert.ok(informer.staleSince() !== undefined, 'and marked stale');
  await until('the refusal replaces them', () => {
    const outcome = informer.outcome();
    return outcome !== undefined && 'refused' in outcome;
  });
  assert.equal(informer.staleSince(), undefined);
  refuse = false;
  await until('listed again', () => watches.length === 2);
  assert.deepEqual(informer.outcome(), { value: [pod('a', '5')] });
});

test('stale since the watch broke: failed attempts to open another do not make the items younger', async (t) => {
  const { server, watches, etcd } = await serverThatGoesDown(t);
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('the watch open', () => watches.length === 1 && informer.staleSince() === undefined);
  etcd.down = true;
  const broke = Date.now();
  watches[0]?.destroy();
  await until('stale', () => informer.staleSince() !== undefined);
  const since = informer.staleSince() ?? 0;
  assert.ok(since >= broke - 50 && since <= Date.now(), 'stale from the break');
  await until('three failed attempts', () => events.errors.length >= 3);
  assert.equal(informer.staleSince(), since, 'the failed attempts did not move it');
  assert.deepEqual(informer.outcome(), { value: [pod('a', '5')] }, 'the items are kept');
  etcd.down = false;
  await until('current again', () => watches.length === 2 && informer.staleSince() === undefined);
});

test('a refusal stays the answer while its retry cannot reach the server', async (t) => {
  let status = 403;
  const server = await apiServer(t, (_request, response) =>
    answer(response, status, failure(status, 'no')),
  );
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('the refusal', () => informer.hasSynced);
  status = 503;
  const before = events.errors.length;
  await until('two retries that fail', () => events.errors.length >= before + 2);
  const outcome = informer.outcome();
  assert.ok(outcome && 'refused' in outcome, JSON.stringify(outcome));
  assert.ok(informer.hasSynced);
  assert.equal(informer.staleSince(), undefined);
});

test('a refused list is not asked again while a SelfSubjectAccessReview says no; a grant is seen at the next one', async (t) => {
  let granted = false;
  let lists = 0;
  let reviews = 0;
  const server = await apiServer(t, (request, response) => {
    if (request.method === 'POST' && /selfsubjectaccessreviews/.test(request.url ?? '')) {
      reviews++;
      return answer(response, 201, { status: { allowed: granted } });
    }
    if (isWatch(request)) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.flushHeaders();
      return;
    }
    lists++;
    if (!granted) return answer(response, 403, failure(403, 'no'));
    return answer(response, 200, { metadata: { resourceVersion: '5' }, items: [pod('a', '5')] });
  });
  const events = { restarts: [] as RestartReason[], errors: [] as Error[] };
  const informer = await informerFor(t, server.url, events);
  await until('five reviews', () => reviews >= 5);
  assert.equal(lists, 1, 'one refused list, then reviews only');
  const outcome = informer.outcome();
  assert.ok(outcome && 'refused' in outcome);
  granted = true;
  const grantedAt = Date.now();
  await until('listed', () => {
    const now = informer.outcome();
    return now !== undefined && 'value' in now;
  });
  assert.ok(Date.now() - grantedAt < 1000, `seen after ${Date.now() - grantedAt} ms`);
  assert.equal(lists, 2);
});

test('back after failures: onRecovered once, and retryNow cuts a long backoff short', async (t) => {
  const { server, watches, etcd } = await serverThatGoesDown(t);
  const client = await clientFor(server.url, { ca: ca.certPem });
  let recovered = 0;
  let errors = 0;
  const informer = new Informer(
    client,
    KINDS.pods,
    'kube-system',
    {},
    { onChange: () => undefined, onError: () => errors++, onRecovered: () => recovered++ },
    // A backoff that would outlast the test: only retryNow brings it back in time.
    { ...FAST, backoffInitialMs: 60_000, backoffMaxMs: 60_000 },
  );
  informer.start();
  t.after(() => {
    informer.stop();
    client.close();
  });
  await until('the watch open', () => watches.length === 1);
  etcd.down = true;
  watches[0]?.destroy();
  await until('a failed attempt', () => errors >= 1);
  etcd.down = false;
  assert.equal(recovered, 0);
  informer.retryNow();
  await until('current again', () => watches.length === 2 && informer.staleSince() === undefined);
  assert.equal(recovered, 1);
});
