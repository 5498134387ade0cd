// Loading kubeconfigs as kubectl does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, delimiter } from 'node:path';
import * as yaml from 'js-yaml';
import { loadKubeconfig } from '../../../src/kube/kubeconfig.ts';
import type { ConnectionFlags } from '../../../src/framework/global-flags.ts';
import { KubeconfigError, UsageError } from '../../../src/errors.ts';
import { flags as noFlags } from '../../support/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-kubeconfig-'));
const emptyHome = mkdtempSync(join(tmpdir(), 'antrea-certs-home-'));

function file(name: string, config: object): string {
  const path = join(dir, name);
  writeFileSync(path, yaml.dump({ apiVersion: 'v1', kind: 'Config', ...config }));
  return path;
}

const first = file('first.yaml', {
  clusters: [
    {
      name: 'shared',
      cluster: { server: 'https://first.example:6443', 'insecure-skip-tls-verify': true },
    },
  ],
  users: [{ name: 'alice', user: { token: 'first-token' } }],
  contexts: [{ name: 'dev', context: { cluster: 'shared', user: 'alice' } }],
  'current-context': 'dev',
});
const second = file('second.yaml', {
  clusters: [
    { name: 'shared', cluster: { server: 'https://second.example:6443' } },
    { name: 'prod-cluster', cluster: { server: 'https://prod.example:6443' } },
  ],
  users: [{ name: 'bob', user: { token: 'bob-token' } }],
  contexts: [
    { name: 'dev', context: { cluster: 'prod-cluster', user: 'bob' } },
    { name: 'prod', context: { cluster: 'prod-cluster', user: 'bob' } },
  ],
  'current-context': 'prod',
});
const flags = (f: Partial<ConnectionFlags> = {}): ConnectionFlags => ({ ...noFlags, ...f });
const env = (e: Record<string, string> = {}) => ({ HOME: emptyHome, ...e });

test('KUBECONFIG files merge first-file-wins, names and current-context alike', () => {
  const loaded = loadKubeconfig(flags(), env({ KUBECONFIG: [first, second].join(delimiter) }));
  assert.equal(loaded.contextName, 'dev');
  assert.equal(loaded.server, 'https://first.example:6443');
  assert.equal(loaded.config.getCurrentUser()?.token, 'first-token');
  const prod = loadKubeconfig(
    flags({ context: 'prod' }),
    env({ KUBECONFIG: [first, second].join(delimiter) }),
  );
  assert.equal(prod.server, 'https://prod.example:6443');
  assert.equal(prod.config.getCurrentUser()?.token, 'bob-token');
});

test('missing files in KUBECONFIG are skipped, as kubectl does', () => {
  const loaded = loadKubeconfig(
    flags(),
    env({ KUBECONFIG: [join(dir, 'nope.yaml'), second].join(delimiter) }),
  );
  assert.equal(loaded.contextName, 'prod');
});

test('connection flags override the context', () => {
  const loaded = loadKubeconfig(
    flags({
      kubeconfig: first,
      server: 'https://other.example:443',
      token: 'flag-token',
      'tls-server-name': 'api.internal',
      as: 'jane',
      'as-group': 'admins',
    }),
    env(),
  );
  assert.equal(loaded.server, 'https://other.example:443');
  const cluster = loaded.config.getCurrentCluster();
  assert.equal(cluster?.tlsServerName, 'api.internal');
  assert.equal(cluster?.skipTLSVerify, true);
  assert.equal(loaded.config.getCurrentUser()?.token, 'flag-token');
  assert.deepEqual(loaded.impersonate, { user: 'jane', group: 'admins' });
});

test('an unknown context, a missing kubeconfig and contradictory flags are refused with one sentence', () => {
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: first, context: 'staging' }), env()),
    (e: unknown) =>
      e instanceof KubeconfigError &&
      /context "staging" is not in .*first\.yaml \(contexts there: dev\)/.test(e.message),
  );
  assert.throws(
    () => loadKubeconfig(flags(), env()),
    (e: unknown) => e instanceof KubeconfigError && /no kubeconfig found/.test(e.message),
  );
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: join(dir, 'absent') }), env()),
    /does not exist/,
  );
  assert.throws(
    () => loadKubeconfig(flags(), env({ KUBECONFIG: join(dir, 'absent') })),
    /none of the files in KUBECONFIG/,
  );
  assert.throws(
    () =>
      loadKubeconfig(
        flags({
          kubeconfig: first,
          'insecure-skip-tls-verify': true,
          'certificate-authority': first,
        }),
        env(),
      ),
    UsageError,
  );
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: first, 'as-group': 'x' }), env()),
    /--as-group needs --as/,
  );
  assert.throws(
    () =>
      loadKubeconfig(
        flags({ kubeconfig: first, as: 'a', 'as-group': ['x', 'y'] as unknown as string }),
        env(),
      ),
    /--as-group can be given once/,
  );
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: first, 'client-key': join(dir, 'none.key') }), env()),
    /given with --client-key does not exist/,
  );
});

test('--server alone works without any kubeconfig, never falling back to localhost:8080', () => {
  const loaded = loadKubeconfig(
    flags({ server: '127.0.0.1:6443', token: 't', 'insecure-skip-tls-verify': true }),
    env(),
  );
  assert.equal(loaded.server, 'https://127.0.0.1:6443');
  assert.equal(loaded.source, 'command-line flags');
});

test('an empty kubeconfig file is an empty kubeconfig, as kubectl reads it: no current context', () => {
  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, '\n');
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: empty }), env()),
    /empty\.yaml sets no current context; pass --context/,
  );
});
