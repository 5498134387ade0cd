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
  assert.deepEqual(loaded.impersonate, { user: 'jane', groups: ['admins'], extra: {} });
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
  assert.deepEqual(
    loadKubeconfig(flags({ kubeconfig: first, as: 'a', 'as-group': ['x', 'y'] }), env()).impersonate
      .groups,
    ['x', 'y'],
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

test('tokenFile (relative to its file) wins over token; as, as-groups and as-user-extra; flags override', () => {
  writeFileSync(join(dir, 'token.txt'), 'file-token\n');
  const path = file('fields.yaml', {
    clusters: [{ name: 'c', cluster: { server: 'https://c.example:6443' } }],
    users: [
      { name: 'both', user: { token: 'inline', tokenFile: 'token.txt' } },
      {
        name: 'someone',
        user: {
          token: 't',
          as: 'jane',
          'as-groups': ['devs', 'ops'],
          'as-user-extra': { scopes: ['view', 'edit'] },
        },
      },
      { name: 'groups-only', user: { token: 't', 'as-groups': ['devs'] } },
      { name: 'gone-file', user: { tokenFile: 'absent.txt' } },
      { name: 'gcp', user: { 'auth-provider': { name: 'gcp', config: {} } } },
    ],
    contexts: ['both', 'someone', 'groups-only', 'gone-file', 'gcp'].map((name) => ({
      name,
      context: { cluster: 'c', user: name },
    })),
    'current-context': 'both',
  });
  const both = loadKubeconfig(flags({ kubeconfig: path }), env());
  const user = both.config.getCurrentUser();
  assert.equal(user?.token, undefined, 'the inline token does not win');
  assert.deepEqual(user?.authProvider, {
    name: 'tokenFile',
    config: { tokenFile: join(dir, 'token.txt') },
  });
  // --token wins over both, as in kubectl.
  const flagged = loadKubeconfig(flags({ kubeconfig: path, token: 'flag' }), env());
  assert.equal(flagged.config.getCurrentUser()?.token, 'flag');
  assert.equal(flagged.config.getCurrentUser()?.authProvider, undefined);

  const someone = loadKubeconfig(flags({ kubeconfig: path, context: 'someone' }), env());
  assert.deepEqual(someone.impersonate, {
    user: 'jane',
    groups: ['devs', 'ops'],
    extra: { scopes: ['view', 'edit'] },
  });
  assert.equal(someone.config.getCurrentUser()?.impersonateUser, undefined, 'sent once, by us');
  const overridden = loadKubeconfig(
    flags({ kubeconfig: path, context: 'someone', as: 'joe', 'as-group': 'admins' }),
    env(),
  );
  assert.deepEqual(overridden.impersonate, {
    user: 'joe',
    groups: ['admins'],
    extra: { scopes: ['view', 'edit'] },
  });

  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: path, context: 'groups-only' }), env()),
    /user "groups-only" sets as-groups or as-user-extra without as/,
  );
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: path, context: 'gone-file' }), env()),
    /the tokenFile file .*absent\.txt of context "gone-file" cannot be read \(ENOENT\)/,
  );
  assert.throws(
    () => loadKubeconfig(flags({ kubeconfig: path, context: 'gcp' }), env()),
    /auth-provider "gcp" of context "gcp" is not supported .*gke-gcloud-auth-plugin/,
  );
});
