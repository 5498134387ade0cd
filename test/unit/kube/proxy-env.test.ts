// The proxy kubectl would use, case by case (client-go's httpproxy rules),
// and a kubeconfig's proxy-url before the environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxyEnvOf, proxyFor } from '../../../src/kube/proxy-env.ts';
import { loadKubeconfig } from '../../../src/kube/kubeconfig.ts';

const PROXY = 'http://proxy.corp:3128';
const HPROXY = 'http://hproxy.corp:8080';

/** [server URL, NO_PROXY, the proxy expected] with HTTPS_PROXY and HTTP_PROXY set. */
const CASES: readonly [string, string, string | undefined][] = [
  ['https://api.example.com:6443', '', PROXY],
  ['http://api.example.com', '', HPROXY],
  ['https://localhost:6443', '', undefined],
  ['https://127.0.0.1:6443', '', undefined],
  ['https://127.1.2.3', '', undefined],
  ['https://[::1]:6443', '', undefined],
  ['https://example.com', 'example.com', undefined],
  ['https://api.example.com', 'example.com', undefined],
  ['https://notexample.com', 'example.com', PROXY],
  ['https://example.com', '.example.com', PROXY],
  ['https://api.example.com', '.example.com', undefined],
  ['https://example.com', '*.example.com', PROXY],
  ['https://api.example.com', '*.example.com', undefined],
  ['https://anything.corp', '*', undefined],
  ['https://10.1.2.3:6443', '10.0.0.0/8', undefined],
  ['https://11.0.0.1:6443', '10.0.0.0/8', PROXY],
  ['https://api.example.com', '10.0.0.0/8', PROXY],
  ['https://10.0.0.1:6443', '10.0.0.1', undefined],
  ['https://10.0.0.2:6443', '10.0.0.1', PROXY],
  ['https://10.0.0.1', '10.0.0.1:443', undefined],
  ['https://10.0.0.1:6443', '10.0.0.1:443', PROXY],
  ['https://api.example.com:6443', 'example.com:6443', undefined],
  ['https://api.example.com', 'example.com:6443', PROXY],
  ['https://[2001:db8::5]:6443', '2001:db8::/32', undefined],
  ['https://[2001:db9::5]:6443', '2001:db8::/32', PROXY],
  ['https://[2001:db8::5]:6443', '[2001:db8::5]:6443', undefined],
  ['https://api.example.com', ' other.org , Example.COM ', undefined],
];

test('HTTPS_PROXY, HTTP_PROXY and NO_PROXY as client-go reads them', () => {
  for (const [url, noProxy, expected] of CASES) {
    const env = proxyEnvOf({ HTTPS_PROXY: PROXY, HTTP_PROXY: HPROXY, NO_PROXY: noProxy });
    assert.equal(proxyFor(url, env), expected, `${url} with NO_PROXY=${noProxy}`);
  }
});

test('upper case first, lower case alone, no scheme, and no fallback from https to HTTP_PROXY', () => {
  const url = 'https://api.example.com';
  assert.equal(proxyFor(url, proxyEnvOf({ HTTPS_PROXY: PROXY, https_proxy: 'http://b:1' })), PROXY);
  assert.equal(proxyFor(url, proxyEnvOf({ https_proxy: 'http://b:1' })), 'http://b:1');
  assert.equal(proxyFor(url, proxyEnvOf({ HTTPS_PROXY: 'proxy.corp:3128' })), PROXY);
  assert.equal(proxyFor(url, proxyEnvOf({ HTTP_PROXY: HPROXY })), undefined);
  assert.equal(
    proxyFor(url, proxyEnvOf({ HTTPS_PROXY: PROXY, no_proxy: 'example.com' })),
    undefined,
  );
});

test("a kubeconfig's proxy-url wins over the environment; without one the environment applies", () => {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-proxy-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'a', cluster: { server: 'https://a.example:6443', 'proxy-url': 'http://own:1' } },
        { name: 'b', cluster: { server: 'https://b.example:6443' } },
      ],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [
        { name: 'a', context: { cluster: 'a', user: 'u' } },
        { name: 'b', context: { cluster: 'b', user: 'u' } },
      ],
      'current-context': 'a',
    }),
  );
  const env = { HOME: dir, HTTPS_PROXY: PROXY };
  const proxyOf = (context: string) =>
    loadKubeconfig({ kubeconfig, context, 'request-timeout': '0' }, env).config.getCurrentCluster()
      ?.proxyUrl;
  assert.equal(proxyOf('a'), 'http://own:1');
  assert.equal(proxyOf('b'), PROXY);
});
