// Proxies as kubectl takes them, side by side with the testbed's kubectl 1.20:
// HTTPS_PROXY through a CONNECT proxy on loopback to a server name only the
// proxy resolves (tls-server-name for the certificate), NO_PROXY matching it,
// the kubeconfig's proxy-url winning over HTTPS_PROXY, and loopback never
// proxied.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { findBinaries } from '../../testbed/binaries.ts';
import { pluginAsync, type Run } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0' });
const kubectlPath = findBinaries()?.kubectl ?? 'kubectl';
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-proxy-'));
const NAME = 'apiserver.proxied.test';

/** A CONNECT proxy that resolves NAME to loopback and notes every tunnel it opens. */
async function proxy(): Promise<{ url: string; tunnels: string[]; server: Server }> {
  const tunnels: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, socket, head) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host = '', port = '443'] = target.split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host === NAME ? '127.0.0.1' : host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, tunnels, server };
}

const first = await proxy();
const second = await proxy();
after(() => {
  first.server.close();
  second.server.close();
});

interface KubeconfigDoc {
  clusters: { cluster: Record<string, unknown> }[];
}
/** The testbed's kubeconfig with the server named NAME; `extra` goes into its cluster. */
function kubeconfigVia(file: string, extra: Record<string, string> = {}): string {
  const doc = yaml.load(readFileSync(bed.kubeconfig, 'utf8')) as KubeconfigDoc;
  for (const { cluster } of doc.clusters) {
    const port = new URL(String(cluster.server)).port;
    Object.assign(
      cluster,
      { server: `https://${NAME}:${port}`, 'tls-server-name': 'localhost' },
      extra,
    );
  }
  const path = join(work, file);
  writeFileSync(path, yaml.dump(doc), { mode: 0o600 });
  return path;
}

const kubectl = (kubeconfig: string, env: Record<string, string>) =>
  new Promise<Run>((resolve) =>
    execFile(
      kubectlPath,
      ['--kubeconfig', kubeconfig, 'get', '--raw', '/readyz', '--request-timeout', '10s'],
      { env: { PATH: process.env.PATH ?? '', HOME: work, ...env } },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
const status = (kubeconfig: string, env: Record<string, string>) =>
  pluginAsync(kubeconfig, ['status', '--request-timeout', '10s'], { HOME: work, ...env });

test('HTTPS_PROXY: the plugin and kubectl both reach a server only the proxy resolves', async () => {
  const config = kubeconfigVia('via-env.yaml');
  const env = { HTTPS_PROXY: first.url };
  const before = first.tunnels.length;
  const [plugin, reference] = await Promise.all([status(config, env), kubectl(config, env)]);
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(plugin.status, 0, plugin.stderr);
  assert.match(plugin.stdout, /^Mode +self-signed/m);
  assert.ok(first.tunnels.slice(before).every((t) => t.startsWith(`${NAME}:`)));
  assert.ok(first.tunnels.length > before + 1, 'both went through the proxy');
});

test('NO_PROXY matching the server: neither uses the proxy, and neither resolves the name', async () => {
  const config = kubeconfigVia('no-proxy.yaml');
  for (const noProxy of [NAME, '.proxied.test', 'test']) {
    const env = { HTTPS_PROXY: first.url, NO_PROXY: noProxy };
    const before = first.tunnels.length;
    const [plugin, reference] = await Promise.all([status(config, env), kubectl(config, env)]);
    assert.notEqual(reference.status, 0, `kubectl with NO_PROXY=${noProxy}`);
    assert.equal(plugin.status, 1, `the plugin with NO_PROXY=${noProxy}`);
    assert.match(
      plugin.stderr,
      /cannot reach the API server at https:\/\/apiserver\.proxied\.test/,
    );
    assert.equal(first.tunnels.length, before, `NO_PROXY=${noProxy}: nothing through the proxy`);
  }
});

test("the kubeconfig's proxy-url wins over HTTPS_PROXY, for both", async () => {
  const config = kubeconfigVia('proxy-url.yaml', { 'proxy-url': second.url });
  const env = { HTTPS_PROXY: 'http://127.0.0.1:1' };
  const before = second.tunnels.length;
  const [plugin, reference] = await Promise.all([status(config, env), kubectl(config, env)]);
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(plugin.status, 0, plugin.stderr);
  assert.ok(second.tunnels.length >= before + 2);
});

test('a loopback server is never proxied, whatever HTTPS_PROXY says, for both', async () => {
  const env = { HTTPS_PROXY: 'http://127.0.0.1:1' };
  const [plugin, reference] = await Promise.all([
    status(bed.kubeconfig, env),
    kubectl(bed.kubeconfig, env),
  ]);
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(plugin.status, 0, plugin.stderr);
});
