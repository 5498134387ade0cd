// The installed @kubernetes/client-node still has what src/kube/client-node.ts
// takes from its dist/ modules, which the package does not promise to keep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KubeConfig, KUBECONFIG_METHODS, loadPortForward } from '../../../src/kube/client-node.ts';

const version = (
  createRequire(import.meta.url)('@kubernetes/client-node/package.json') as { version: string }
).version;
const moved = (what: string) =>
  `the installed @kubernetes/client-node ${version} no longer has ${what}: ` +
  'src/kube/client-node.ts must take it from where this version keeps it';

test('client-node still exports the KubeConfig class and every method the plugin calls', () => {
  assert.equal(typeof KubeConfig, 'function', moved('KubeConfig in dist/config.js'));
  for (const method of KUBECONFIG_METHODS) {
    const found = (KubeConfig.prototype as unknown as Record<string, unknown>)[method];
    assert.equal(typeof found, 'function', moved(`KubeConfig.${method}`));
  }
});

test('client-node still exports PortForward with portForward()', async () => {
  const PortForward = await loadPortForward();
  assert.equal(typeof PortForward, 'function', moved('PortForward in dist/portforward.js'));
  assert.equal(
    typeof (PortForward.prototype as unknown as Record<string, unknown>).portForward,
    'function',
    moved('PortForward.portForward'),
  );
});

test('a kubeconfig loaded through it gives contexts, clusters and users', () => {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  assert.equal(config.getCurrentContext(), 'x');
  assert.deepEqual(
    [config.getContexts()[0]?.name, config.getClusters()[0]?.server, config.getUsers()[0]?.name],
    ['x', 'https://127.0.0.1:6443', 'u'],
  );
});

test("client-node still keeps its ExecAuth and FileAuth among a KubeConfig's authenticators, which the plugin replaces", async () => {
  const { replaceAuthenticators } = await import('../../../src/kube/client-node.ts');
  const config = new KubeConfig();
  const exec = { isAuthProvider: () => false, applyAuthentication: async () => undefined };
  const tokenFile = { isAuthProvider: () => false, applyAuthentication: async () => undefined };
  replaceAuthenticators(config, { exec, tokenFile });
  const list = (config as unknown as { authenticators?: unknown[] }).authenticators;
  assert.ok(Array.isArray(list), moved('KubeConfig.authenticators'));
  assert.ok(list.includes(exec), moved('ExecAuth in dist/exec_auth.js among the authenticators'));
  assert.ok(
    list.includes(tokenFile),
    moved('FileAuth in dist/file_auth.js among the authenticators'),
  );
});
