// The read path against a real HTTPS server (src/kube/client.ts, http.ts,
// errors.ts): each way a request can fail becomes its typed error and one
// sentence; impersonation, -v lines, request counting and watches.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import * as yaml from 'js-yaml';
import { issue, usage } from '../../testbed/pki.ts';
import {
  answer,
  apiServer,
  ca,
  failure,
  serving,
  type Handler,
} from '../../support/fake-api-server.ts';
import {
  AuthenticationError,
  CliError,
  GoneError,
  ConflictError,
  ConnectionError,
  ForbiddenError,
  NotFoundError,
  UnavailableError,
} from '../../../src/errors.ts';
import { isTransient } from '../../../src/kube/errors.ts';
import { readInstallation } from '../../../src/read/snapshot.ts';
import type { Client } from '../../../src/kube/client.ts';
import type { RequestDescription } from '../../../src/kube/errors.ts';
import { HANDSHAKE_TIMEOUT_MS } from '../../../src/kube/transport.ts';
import { clientFor, writeTemporary } from '../../support/context.ts';
import { NAMESPACE as ns } from '../../support/installation.ts';

const otherCa = await issue({
  commonName: 'Another CA',
  isCA: true,
  usages: usage.keyCertSign | usage.digitalSignature,
});

/** A server that answers every request with `status` and a Status carrying `message`. */
const answering =
  (status: number, message: string): Handler =>
  (_request, response) =>
    answer(response, status, failure(status, message));

/** What a promise was rejected with; fails the test when it was not. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, String(error));
    return error;
  }
  assert.fail('the request did not fail');
}

const secret = { metadata: { name: 'antrea-controller-tls', namespace: ns }, data: {} };

test('401: the credentials of the context were not accepted (AuthenticationError)', async (t) => {
  const server = await apiServer(t, answering(401, 'Unauthorized'));
  const client = await clientFor(server.url);
  const error = await rejection(client.secrets(ns).get('antrea-controller-tls'));
  assert.ok(error instanceof AuthenticationError);
  assert.equal(
    error.message,
    `the API server at ${server.url} did not accept the credentials of context "(flags)" (401 Unauthorized); renew the token or client certificate in your kubeconfig.`,
  );
  assert.equal(isTransient(error), false);
});

test('403: ForbiddenError names the verb, the resource and the namespace, or none for cluster-scoped objects', async (t) => {
  const server = await apiServer(t, answering(403, 'configmaps is forbidden: User "x"'));
  const client = await clientFor(server.url);
  const namespaced = await rejection(client.configMaps(ns).list({ labelSelector: 'app=antrea' }));
  assert.ok(namespaced instanceof ForbiddenError);
  assert.equal(
    namespaced.message,
    'you are not allowed to list configmaps in namespace kube-system (403 Forbidden); ask for that RBAC permission (README lists what each command needs).',
  );
  assert.deepEqual(
    [namespaced.verb, namespaced.resource, namespaced.namespace],
    ['list', 'configmaps', 'kube-system'],
  );
  const clusterScoped = await rejection(client.apiServices().list());
  assert.ok(clusterScoped instanceof ForbiddenError);
  assert.equal(
    clusterScoped.message,
    'you are not allowed to list apiservices.apiregistration.k8s.io (403 Forbidden); ask for that RBAC permission (README lists what each command needs).',
  );
  assert.equal(clusterScoped.namespace, undefined);
  assert.equal(isTransient(clusterScoped), false);
});

test("404: NotFoundError names the object, with the server's message when it sent one", async (t) => {
  const server = await apiServer(t, (request, response) => {
    if (request.url?.includes('/secrets/'))
      answer(response, 404, failure(404, 'secrets "antrea-controller-tls" not found'));
    else response.writeHead(404).end();
  });
  const client = await clientFor(server.url);
  const withStatus = await rejection(client.secrets(ns).get('antrea-controller-tls'));
  assert.ok(withStatus instanceof NotFoundError);
  assert.equal(
    withStatus.message,
    'get secrets/antrea-controller-tls in namespace kube-system: not found (secrets "antrea-controller-tls" not found).',
  );
  const bare = await rejection(client.crds().get('ippools.crd.antrea.io'));
  assert.ok(bare instanceof NotFoundError);
  assert.equal(
    bare.message,
    'get customresourcedefinitions.apiextensions.k8s.io/ippools.crd.antrea.io: not found.',
  );
});

/** An API server with one antrea-controller in kube-system and nothing else; `secretStatus` answers for its Secret. */
function antreaWithout(secretStatus: 403 | 404): Handler {
  const deployment = {
    metadata: {
      name: 'antrea-controller',
      namespace: ns,
      labels: { app: 'antrea', component: 'antrea-controller' },
    },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            { name: 'antrea-controller', image: 'antrea/antrea-controller-ubuntu:v2.7.0' },
          ],
        },
      },
    },
  };
  const empty = { items: [] };
  const routes: Record<string, unknown> = {
    '/apis/apps/v1/deployments': { items: [deployment] },
    [`/apis/apps/v1/namespaces/${ns}/deployments/antrea-controller`]: deployment,
    [`/api/v1/namespaces/${ns}/pods`]: empty,
    [`/api/v1/namespaces/${ns}/configmaps`]: empty,
    '/apis/apiregistration.k8s.io/v1/apiservices': empty,
    '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations': empty,
    '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations': empty,
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions': empty,
  };
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'https://x').pathname;
    if (path in routes) answer(response, 200, routes[path]);
    else if (path === `/api/v1/namespaces/${ns}/secrets/antrea-controller-tls`)
      answer(response, secretStatus, failure(secretStatus, 'about the Secret'));
    else answer(response, 404, failure(404, `${path} not found`));
  };
}

test('404 on an optional read is an absent object to readInstallation; 403 on it is refused', async (t) => {
  const absent = await apiServer(t, antreaWithout(404));
  const installation = await readInstallation(await clientFor(absent.url));
  assert.equal(installation.namespace, 'kube-system');
  assert.equal(installation.deployment.name, 'antrea-controller');
  assert.equal(installation.tlsSecret, undefined, 'the Secret is absent');
  assert.equal(installation.config, undefined, 'antrea-config is absent');
  assert.equal(installation.controllerInfoVersion, undefined, 'no AntreaControllerInfo');
  assert.ok(
    absent.seen.some((r) => r.url === `/api/v1/namespaces/${ns}/secrets/antrea-controller-tls`),
    'the Secret was asked for',
  );

  const refused = await apiServer(t, antreaWithout(403));
  const error = await rejection(readInstallation(await clientFor(refused.url)));
  assert.ok(error instanceof ForbiddenError);
  assert.equal(
    error.message,
    'you are not allowed to get secrets in namespace kube-system (403 Forbidden); ask for that RBAC permission (README lists what each command needs).',
  );
});

test('AntreaControllerInfo refused (403) is a detail left out, not a failure; one group answering is enough', async (t) => {
  const base = antreaWithout(404);
  const refusing =
    (answered: string | undefined): Handler =>
    (request, response) => {
      const path = request.url ?? '';
      if (!path.includes('/antreacontrollerinfos/')) return base(request, response);
      if (answered && path.startsWith(`/apis/${answered}/`))
        return answer(response, 200, {
          metadata: { name: 'antrea-controller' },
          version: 'v2.7.0',
        });
      answer(response, 403, failure(403, 'antreacontrollerinfos is forbidden'));
    };
  const none = await apiServer(t, refusing(undefined));
  const withoutInfo = await readInstallation(await clientFor(none.url));
  assert.deepEqual(withoutInfo.refusedDetails, ['AntreaControllerInfo']);
  assert.equal(withoutInfo.controllerInfoVersion, undefined);
  assert.equal(withoutInfo.deployment.name, 'antrea-controller');

  const current = await apiServer(t, refusing('crd.antrea.io'));
  const withInfo = await readInstallation(await clientFor(current.url));
  assert.equal(withInfo.controllerInfoVersion, 'v2.7.0');
  assert.equal(withInfo.refusedDetails, undefined);
});

test('409: ConflictError says nothing was overwritten; the write carried the resourceVersion it read', async (t) => {
  const server = await apiServer(
    t,
    answering(409, 'Operation cannot be fulfilled on configmaps "antrea-config"'),
  );
  const client = await clientFor(server.url);
  const body = { metadata: { name: 'antrea-config', namespace: ns, resourceVersion: '42' } };
  const error = await rejection(client.configMaps(ns).update(body, 'none'));
  assert.ok(error instanceof ConflictError);
  assert.equal(
    error.message,
    'update configmaps/antrea-config in namespace kube-system conflicted with another change (409 Conflict); nothing was overwritten: run the command again to re-check.',
  );
  const [put] = server.seen;
  assert.equal(put?.method, 'PUT');
  assert.equal(
    put?.url,
    `/api/v1/namespaces/${ns}/configmaps/antrea-config?fieldManager=kubectl-antrea-certs`,
  );
  assert.deepEqual(JSON.parse(put?.body ?? ''), body);
});

test("429, 500 and 503: UnavailableError, transient, with the server's message", async (t) => {
  for (const code of [429, 500, 503]) {
    const server = await apiServer(t, answering(code, 'etcdserver: leader changed'));
    const client = await clientFor(server.url);
    const error = await rejection(client.pods(ns).list({ labelSelector: 'app=antrea' }));
    assert.ok(error instanceof UnavailableError, `${code}`);
    assert.equal(
      error.message,
      `the API server could not serve list pods in namespace kube-system now (${code}: etcdserver: leader changed); try again in a moment.`,
    );
    assert.equal(isTransient(error), true, `${code}`);
  }
});

test('an unexpected 4xx is a CliError with what was asked and what the server said', async (t) => {
  const server = await apiServer(
    t,
    answering(422, 'Secret "antrea-controller-tls" is invalid: data[tls.crt]: Required value'),
  );
  const client = await clientFor(server.url);
  const error = await rejection(client.secrets(ns).create(secret, 'server'));
  assert.equal(error.constructor, CliError);
  assert.equal(
    error.message,
    'the API server answered 422 to create secrets in namespace kube-system: Secret "antrea-controller-tls" is invalid: data[tls.crt]: Required value.',
  );
  assert.equal(isTransient(error), false);
  assert.equal(
    server.seen[0]?.url,
    `/api/v1/namespaces/${ns}/secrets?fieldManager=kubectl-antrea-certs&dryRun=All`,
  );
});

test('nothing listening: ConnectionError with ECONNREFUSED, transient', async () => {
  const port = await freePort();
  const client = await clientFor(`https://127.0.0.1:${port}`);
  const error = await rejection(client.namespaces().list());
  assert.ok(error instanceof ConnectionError);
  assert.equal(
    error.message,
    `cannot reach the API server at https://127.0.0.1:${port} (ECONNREFUSED); check that the cluster is up and that context "(flags)" points at it.`,
  );
  assert.equal(isTransient(error), true);
});

/** A port nothing listens on: one the system just gave out, closed again. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const ok: Handler = (_request, response) => answer(response, 200, secret);

test('TLS: a server certificate from the CA given is accepted; one from another CA is a ConnectionError naming the code and --certificate-authority', async (t) => {
  const server = await apiServer(t, ok);
  const trusting = await clientFor(server.url, { ca: ca.certPem });
  assert.deepEqual(await trusting.secrets(ns).get('antrea-controller-tls'), secret);

  const distrusting = await clientFor(server.url, { ca: otherCa.certPem });
  const error = await rejection(distrusting.secrets(ns).get('antrea-controller-tls'));
  assert.ok(error instanceof ConnectionError);
  assert.equal(
    error.message,
    `the API server's certificate at ${server.url} is signed by an unknown authority (UNABLE_TO_VERIFY_LEAF_SIGNATURE); check certificate-authority in your kubeconfig or --certificate-authority.`,
  );
  assert.equal(server.seen.length, 1, 'no request was sent over the refused connection');
});

test("a kubeconfig's certificate-authority-data and token reach the server", async (t) => {
  const server = await apiServer(t, ok);
  const kubeconfig = writeTemporary(
    'kubeconfig',
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: {
            server: server.url,
            'certificate-authority-data': Buffer.from(ca.certPem).toString('base64'),
          },
        },
      ],
      users: [{ name: 'admin', user: { token: 'a-token' } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
      'current-context': 'test',
    }),
  );
  const client = await clientFor(undefined, { kubeconfig });
  assert.equal(client.contextName, 'test');
  assert.deepEqual(await client.secrets(ns).get('antrea-controller-tls'), secret);
  assert.equal(server.seen[0]?.headers.authorization, 'Bearer a-token');
});

test('--request-timeout against a server that never answers: ConnectionError "timed out" naming the request', async (t) => {
  const server = await apiServer(t, () => undefined);
  const client = await clientFor(server.url, { flags: { 'request-timeout': '200ms' } });
  const error = await rejection(client.secrets(ns).get('antrea-controller-tls'));
  assert.ok(error instanceof ConnectionError);
  assert.equal(
    error.message,
    `the request to ${server.url} (get secrets/antrea-controller-tls in namespace kube-system) timed out; raise --request-timeout or check the connection.`,
  );
  assert.equal(isTransient(error), true);
  assert.equal(server.seen.length, 1, 'the request reached the server');
});

test('getRaw: any answer is returned with its status; no answer is a ConnectionError naming the path', async (t) => {
  const server = await apiServer(t, answering(503, 'service unavailable'));
  const client = await clientFor(server.url);
  const raw = await client.getRaw('/apis/controlplane.antrea.io/v1beta2');
  assert.equal(raw.status, 503);
  assert.equal((JSON.parse(raw.body) as { message: string }).message, 'service unavailable');

  const silent = await apiServer(t, () => undefined);
  const waiting = await clientFor(silent.url, { flags: { 'request-timeout': '200ms' } });
  const error = await rejection(waiting.getRaw('/apis/controlplane.antrea.io/v1beta2'));
  assert.ok(error instanceof ConnectionError);
  assert.equal(
    error.message,
    `the request to ${silent.url} (get /apis/controlplane.antrea.io/v1beta2) timed out; raise --request-timeout or check the connection.`,
  );
});

test('--as and --as-group reach the server as impersonation headers, and only when given', async (t) => {
  const server = await apiServer(t, ok);
  const jane = await clientFor(server.url, {
    flags: { as: 'jane', 'as-group': ['admins', 'devs'] as unknown as string },
  });
  await jane.secrets(ns).get('antrea-controller-tls');
  const plain = await clientFor(server.url);
  await plain.secrets(ns).get('antrea-controller-tls');
  const [asJane, asItself] = server.seen;
  assert.equal(asJane?.headers['impersonate-user'], 'jane');
  // Two groups: two header lines, which Node joins with a comma for the server's request.
  assert.equal(asJane?.headers['impersonate-group'], 'admins, devs');
  assert.equal(asItself?.headers['impersonate-user'], undefined);
  assert.equal(asItself?.headers['impersonate-group'], undefined);
});

/** A pattern that matches `text` literally. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('-v logs one line per request: method, URL, status and time; -vv adds the content type and length; failures say so', async (t) => {
  const server = await apiServer(t, ok);
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const url = literally(`${server.url}/api/v1/namespaces/${ns}/secrets/antrea-controller-tls`);
  const quiet = await clientFor(server.url, { log });
  const verbose = await clientFor(server.url, { flags: { verbose: 1 }, log });
  const veryVerbose = await clientFor(server.url, { flags: { verbose: 2 }, log });

  await quiet.secrets(ns).get('antrea-controller-tls');
  assert.equal(lines.length, 0, 'quiet without -v');
  await verbose.secrets(ns).get('antrea-controller-tls');
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', new RegExp(`^GET ${url} 200 in \\d+ ms$`));
  await veryVerbose.secrets(ns).get('antrea-controller-tls');
  const length = Buffer.byteLength(JSON.stringify(secret));
  assert.match(
    lines[1] ?? '',
    new RegExp(`^GET ${url} 200 in \\d+ ms \\(application/json, ${length} bytes\\)$`),
  );

  const port = await freePort();
  const unreachable = await clientFor(`https://127.0.0.1:${port}`, { flags: { verbose: 1 }, log });
  await rejection(unreachable.namespaces().list());
  assert.match(
    lines[2] ?? '',
    new RegExp(
      `^GET ${literally(`https://127.0.0.1:${port}/api/v1/namespaces`)} failed after \\d+ ms: Error$`,
    ),
  );
});

test('every request is counted, answered or not, watches included', async (t) => {
  const server = await apiServer(t, (request, response) => {
    if (request.url?.includes('watch=true')) response.writeHead(200).end();
    else if (request.url?.endsWith('/missing')) answer(response, 404, failure(404, 'missing'));
    else answer(response, 200, secret);
  });
  const client = await clientFor(server.url);
  assert.equal(client.requestCount, 0);
  await client.secrets(ns).get('antrea-controller-tls');
  await rejection(client.secrets(ns).get('missing'));
  await client.getRaw('/version');
  assert.equal(client.requestCount, 3);
  await watching(client, watchPods);
  assert.equal(client.requestCount, 4);
  assert.equal(server.seen.length, 4);
});

const watchPods: RequestDescription = { verb: 'watch', resource: 'pods', namespace: ns };

/** Watches the controller Pods until the watch ends: the event types and why it ended. */
async function watching(
  client: Client,
  what: RequestDescription,
): Promise<{ events: string[]; ended: Error | undefined }> {
  const events: string[] = [];
  const ended = await new Promise<Error | undefined>((resolve, reject) => {
    client
      .watch(
        what,
        `/api/v1/namespaces/${ns}/pods`,
        { labelSelector: 'app=antrea' },
        (event) => events.push(event.type),
        resolve,
      )
      .catch(reject);
  });
  return { events, ended };
}

test('a watch delivers each event and ends without an error when the server closes it', async (t) => {
  const server = await apiServer(t, (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    // Events as the API server streams them: one JSON object a line, split anywhere.
    const lines = ['ADDED', 'MODIFIED', 'DELETED']
      .map((type) => JSON.stringify({ type, object: { metadata: { name: 'p' } } }) + '\n')
      .join('');
    response.write(lines.slice(0, 30));
    response.end(lines.slice(30));
  });
  const { events, ended } = await watching(await clientFor(server.url), watchPods);
  assert.deepEqual(events, ['ADDED', 'MODIFIED', 'DELETED']);
  assert.equal(ended, undefined);
  assert.equal(
    server.seen[0]?.url,
    `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dantrea&watch=true`,
  );
});

test('a watch RBAC refuses is not opened: a ForbiddenError; an ERROR event ends it with the Status it carries', async (t) => {
  const refusing = await apiServer(t, answering(403, 'pods is forbidden'));
  // A watch that resolves is open: a refusal rejects (an informer then backs off, not "watching").
  const refused = await watching(await clientFor(refusing.url), watchPods).then(
    () => assert.fail('a refused watch resolved'),
    (error: unknown) => error,
  );
  assert.ok(refused instanceof ForbiddenError);
  assert.equal(
    refused.message,
    'you are not allowed to watch pods in namespace kube-system (403 Forbidden); ask for that RBAC permission (README lists what each command needs).',
  );
  assert.equal(refused.verb, 'watch');

  const expiring = await apiServer(t, (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.write(JSON.stringify({ type: 'ADDED', object: {} }) + '\n');
    response.write(
      JSON.stringify({ type: 'ERROR', object: failure(410, 'too old resource version: 1 (2)') }) +
        '\n',
    );
  });
  const gone = await watching(await clientFor(expiring.url), watchPods);
  assert.deepEqual(gone.events, ['ADDED']);
  // A GoneError: the informers list again on it.
  assert.ok(gone.ended instanceof GoneError);
  assert.equal(
    gone.ended.message,
    'watch pods in namespace kube-system: the resourceVersion is no longer kept (410: too old resource version: 1 (2)).',
  );
});

/** An HTTP/2 server (HTTP/1.1 too) with a certificate from `ca`; its sessions end with the test. */
async function h2Server(t: TestContext, handler: H2Handler) {
  const { createSecureServer } = await import('node:http2');
  const server = createSecureServer(
    { key: serving.keyPem, cert: serving.certPem, allowHTTP1: true },
    handler,
  );
  const sessions: { destroy(): void }[] = [];
  server.on('session', (session) => sessions.push(session));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const session of sessions) session.destroy();
    server.close();
  });
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

type H2Handler = (request: Http2ServerRequest, response: Http2ServerResponse) => void;

test('a parallel round of requests shares one HTTP/2 connection: one TLS handshake', async (t) => {
  const versions: string[] = [];
  let handshakes = 0;
  const { server, url } = await h2Server(t, (request, response) => {
    versions.push(request.httpVersion);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items: [] }));
  });
  server.on('secureConnection', () => handshakes++);
  const client = await clientFor(url, { ca: ca.certPem });
  const round = Array.from({ length: 11 }, () => client.configMaps(ns).list({}));
  assert.equal((await Promise.all(round)).length, 11);
  assert.deepEqual(versions, Array<string>(11).fill('2.0'));
  assert.equal(handshakes, 1);
  client.close();
});

test('closing a connection while answers still arrive on it (a refused read among parallel ones) is safe', async (t) => {
  const { url } = await h2Server(t, (request, response) => {
    if (request.url.includes('/secrets/')) {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify(failure(403, 'secrets is forbidden')));
      return;
    }
    // The other answers come in pieces, still arriving when the client gives up.
    response.writeHead(200, { 'content-type': 'application/json' });
    const body = JSON.stringify({ items: [], padding: 'x'.repeat(64 * 1024) });
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed || sent >= body.length) {
        clearInterval(timer);
        if (!response.destroyed) response.end();
        return;
      }
      response.write(body.slice(sent, sent + 4096));
      sent += 4096;
    }, 2);
  });
  for (let round = 0; round < 80; round++) {
    const client = await clientFor(url, { ca: ca.certPem });
    const reads = [
      client.secrets(ns).get('antrea-controller-tls'),
      ...Array.from({ length: 8 }, () => client.configMaps(ns).list({})),
    ];
    const error = await rejection(Promise.all(reads));
    assert.ok(error instanceof ForbiddenError);
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

// A request that settles on neither a response nor an error left the process to end with exit 0
// in the middle of a change (issue 24). Each way a connection can end must fail the request.
const settles = { timeout: 20_000 };

test(
  'a stream the API server closes without an answer fails the request: ConnectionError, transient',
  settles,
  async (t) => {
    const { url } = await h2Server(t, (request) => {
      // RST_STREAM with NO_ERROR: the stream ends, no response and no error reach the client.
      request.stream.close(0);
    });
    const client = await clientFor(url, { ca: ca.certPem });
    const error = await rejection(client.secrets(ns).get('antrea-controller-tls'));
    assert.ok(error instanceof ConnectionError);
    assert.match(
      error.message,
      /^the connection closed before the API server answered \(get secrets\/antrea-controller-tls in namespace kube-system to https:\/\/127\.0\.0\.1:\d+\); the API server may have restarted/,
    );
    assert.ok(isTransient(error));
    client.close();
  },
);

test('a connection that dies in the middle of an answer fails the request', settles, async (t) => {
  const { url } = await h2Server(t, (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"items": [');
    setTimeout(() => request.stream.session?.destroy(), 20);
  });
  const client = await clientFor(url, { ca: ca.certPem });
  const error = await rejection(client.configMaps(ns).list({}));
  assert.ok(error instanceof ConnectionError, String(error));
  client.close();
});

test(
  "a GOAWAY and the connection's end: a read in flight is sent again on a new connection, a write fails",
  settles,
  async (t) => {
    let requests = 0;
    const sessions = new Set<unknown>();
    const { url } = await h2Server(t, (request, response) => {
      requests++;
      sessions.add(request.stream.session);
      if (requests === 1 || request.method === 'PUT') {
        // Shutting down, as kube-apiserver does: GOAWAY, then the connection ends.
        request.stream.session?.goaway(0, 0);
        setTimeout(() => request.stream.session?.destroy(), 20);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(secret));
    });
    const client = await clientFor(url, { ca: ca.certPem });
    const read = await client.secrets(ns).get('antrea-controller-tls');
    assert.equal(read.metadata?.name, 'antrea-controller-tls');
    assert.equal(requests, 2);
    assert.equal(sessions.size, 2, 'the second attempt went over a new connection');
    const write = await rejection(client.secrets(ns).update(secret, 'none'));
    assert.ok(write instanceof ConnectionError, String(write));
    assert.equal(requests, 3, 'the write was sent once');
    client.close();
  },
);

test(
  'a server that sends GOAWAY after every third stream: 30 reads in a row all answer',
  settles,
  async (t) => {
    let streams = 0;
    const { url } = await h2Server(t, (request, response) => {
      streams++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(secret));
      // As --goaway-chance does: after an answer, the connection is told to go away.
      if (streams % 3 === 0) request.stream.session?.goaway(0, request.stream.id ?? 0);
    });
    const client = await clientFor(url, { ca: ca.certPem });
    for (let i = 0; i < 30; i++) {
      const read = await client.secrets(ns).get('antrea-controller-tls');
      assert.equal(read.metadata?.name, 'antrea-controller-tls');
    }
    client.close();
  },
);

test(
  'a watch on a connection told to go away ends at once and reopens on a new connection; a read in flight finishes',
  settles,
  async (t) => {
    const sessions: unknown[] = [];
    let slowRead: (() => void) | undefined;
    const { url } = await h2Server(t, (request, response) => {
      if (!sessions.includes(request.stream.session)) sessions.push(request.stream.session);
      response.writeHead(200, { 'content-type': 'application/json' });
      if (!request.url.includes('watch=true')) {
        // A read still being answered when the GOAWAY comes: it completes on the old connection.
        slowRead = () => response.end(JSON.stringify({ items: [] }));
        return;
      }
      const event = { type: 'ADDED', object: { metadata: { name: 'p' } } };
      response.write(JSON.stringify(event) + '\n');
      if (sessions.length > 1) return;
      // As kube-apiserver shutting down or --goaway-chance: GOAWAY, the open streams left to run.
      // Node cannot ping such a connection; if it then went silent, a watch left on it would
      // wait out its timeout, its data stale meanwhile.
      setTimeout(() => request.stream.session?.goaway(0, request.stream.id ?? 0), 50);
    });
    const client = await clientFor(url, { ca: ca.certPem });
    const read = client.configMaps(ns).list({});
    while (!slowRead) await new Promise((resolve) => setTimeout(resolve, 5));
    const first = await watching(client, watchPods);
    assert.deepEqual(first.events, ['ADDED']);
    assert.equal(
      first.ended,
      undefined,
      'a clean end: the watcher reopens from its resourceVersion',
    );
    slowRead();
    assert.deepEqual(await read, { items: [] });
    const ended: (Error | undefined)[] = [];
    const stop = await client.watch(
      watchPods,
      `/api/v1/namespaces/${ns}/pods`,
      {},
      () => undefined,
      (e) => ended.push(e),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sessions.length, 2, 'the second watch went over a new connection');
    assert.deepEqual(ended, [], 'the watch on the new connection stays open');
    stop();
    client.close();
  },
);

test('a server that accepts the connection and never answers is given up after the handshake bound, even without a request timeout', async (t) => {
  const sockets: Socket[] = [];
  const silent = createNetServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const { port } = silent.address() as AddressInfo;
  const client = await clientFor(`https://127.0.0.1:${port}`, {
    flags: { 'request-timeout': '0' },
  });
  const started = Date.now();
  const error = await rejection(client.namespaces().list());
  const took = Date.now() - started;
  assert.ok(error instanceof ConnectionError, String(error));
  assert.match(error.message, /no TLS handshake within 10s/);
  assert.ok(took >= HANDSHAKE_TIMEOUT_MS - 100 && took < HANDSHAKE_TIMEOUT_MS + 2000, `${took} ms`);
  client.close();
});
