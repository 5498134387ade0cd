// Exec credential plugins as scripts: each way one can fail is a
// CredentialError naming the context and what to fix, a hung one is killed at
// the timeout or at stop(), and the requests of one round share one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoundedExecAuth } from '../../../src/kube/exec-credential.ts';
import { CredentialError } from '../../../src/errors.ts';
import type { User } from '../../../src/kube/client-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-exec-'));
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
const user = (command: string, extra: Record<string, unknown> = {}): User =>
  ({
    name: `u-${command}`,
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command,
      interactiveMode: 'Never',
      ...extra,
    },
  }) as User;
const auth = (timeoutMs = 2000) => new BoundedExecAuth({ contextName: 'prod', timeoutMs });
const TOKEN =
  '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t0k"}}';

async function refused(u: User, message: RegExp, a = auth()) {
  const started = Date.now();
  await assert.rejects(a.applyAuthentication(u, {}), (error: unknown) => {
    assert.ok(error instanceof CredentialError, String(error));
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
  return Date.now() - started;
}

test('a token: the header is set, KUBERNETES_EXEC_INFO says non-interactive, one process for concurrent requests', async () => {
  const count = join(dir, 'count');
  const plugin = script(
    'token',
    `echo x >> ${count}; echo "$KUBERNETES_EXEC_INFO" > ${dir}/info; sleep 0.2; echo '${TOKEN}'`,
  );
  const a = auth();
  const options = Array.from({ length: 11 }, () => ({ headers: {} as Record<string, unknown> }));
  await Promise.all(options.map((o) => a.applyAuthentication(user(plugin), o)));
  for (const o of options) assert.equal(o.headers.Authorization, 'Bearer t0k');
  assert.equal(readFileSync(count, 'utf8').split('\n').filter(Boolean).length, 1);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'info'), 'utf8')), {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
});

test('each failure in one sentence naming the context and the plugin', async () => {
  await refused(
    user(join(dir, 'absent')),
    /credential plugin ".*absent" of context "prod" was not found; install it, or fix users\[\]\.user\.exec\.command/,
  );
  await refused(
    user(script('fails', 'echo "token expired: run login" >&2; echo more >&2; exit 3')),
    /exited 3: token expired: run login; run it yourself/,
  );
  await refused(
    user(script('garbage', 'echo "Please log in:"; echo next')),
    /printed no valid ExecCredential \(its output is not JSON\)/,
  );
  await refused(
    user(script('empty', 'exit 0')),
    /printed no valid ExecCredential \(it printed nothing\)/,
  );
  await refused(
    user(script('no-token', `echo '{"status":{}}'`)),
    /neither a token nor a client certificate and key/,
  );
});

test('a hung plugin is killed at the timeout, and at stop(): nothing is left running', async () => {
  const pidFile = join(dir, 'hung.pid');
  const hung = script('hung', `echo $$ > ${pidFile}; exec sleep 60`);
  const took = await refused(
    user(hung),
    /did not finish within 1s and was stopped; check that it runs without a terminal \(it may be waiting for a login\)$/,
    auth(1000),
  );
  assert.ok(took < 3000, `${took} ms`);
  /** Whether the process is still there after a moment (a killed child is reaped at once). */
  const alive = async (pid: number) => {
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  };
  assert.ok(existsSync(pidFile));
  assert.equal(await alive(Number(readFileSync(pidFile, 'utf8'))), false, 'the plugin was killed');

  const a = auth(0);
  const pending = a.applyAuthentication(
    user(script('hung2', `echo $$ > ${pidFile}2; exec sleep 60`)),
    {},
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  a.stop();
  await assert.rejects(pending, /was stopped; the command gave up on the cluster/);
  assert.equal(await alive(Number(readFileSync(`${pidFile}2`, 'utf8'))), false);
});

test('provideClusterInfo: KUBERNETES_EXEC_INFO carries the cluster as client-go fills it, the CA file read', async () => {
  const info = join(dir, 'cluster-info');
  const plugin = script('cluster', `echo "$KUBERNETES_EXEC_INFO" > ${info}; echo '${TOKEN}'`);
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, 'CA PEM');
  const a = new BoundedExecAuth({
    contextName: 'prod',
    timeoutMs: 2000,
    cluster: { server: 'https://10.0.0.1:6443', tlsServerName: 'kubernetes', caFile },
  });
  await a.applyAuthentication(user(plugin, { provideClusterInfo: true }), {});
  assert.deepEqual(JSON.parse(readFileSync(info, 'utf8')), {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: {
      cluster: {
        server: 'https://10.0.0.1:6443',
        'tls-server-name': 'kubernetes',
        'certificate-authority-data': Buffer.from('CA PEM').toString('base64'),
      },
      interactive: false,
    },
  });
});

test('interactiveMode as client-go reads it: Always needs a terminal, IfAvailable uses one, v1 needs it', async () => {
  const info = join(dir, 'interactive-info');
  const plugin = script('interactive', `echo "$KUBERNETES_EXEC_INFO" > ${info}; echo '${TOKEN}'`);
  await refused(
    user(plugin, { interactiveMode: 'Always' }),
    /needs a terminal \(interactiveMode Always\) and standard input is not one; run the command in a terminal/,
  );
  await refused(
    user(plugin, { interactiveMode: undefined }),
    /has no interactiveMode, which client\.authentication\.k8s\.io\/v1 requires/,
  );
  const atTerminal = new BoundedExecAuth({
    contextName: 'prod',
    timeoutMs: 2000,
    stdinIsTerminal: true,
  });
  await atTerminal.applyAuthentication(user(plugin, { interactiveMode: 'IfAvailable' }), {});
  assert.equal(
    (JSON.parse(readFileSync(info, 'utf8')) as { spec: { interactive: boolean } }).spec.interactive,
    true,
  );
  const never = new BoundedExecAuth({
    contextName: 'prod',
    timeoutMs: 2000,
    stdinIsTerminal: true,
  });
  await never.applyAuthentication(user(plugin), {});
  assert.equal(
    (JSON.parse(readFileSync(info, 'utf8')) as { spec: { interactive: boolean } }).spec.interactive,
    false,
  );
});
