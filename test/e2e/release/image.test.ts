// The exporter's container image as scripts/image.sh builds it without a registry (buildah from
// scratch): its config against Containerfile, its files, the executable run in it by podman, and
// the image run as a Pod runs it (its entrypoint, in-cluster configuration from a mounted
// ServiceAccount token) against a testbed. Containerfile itself, on distroless, is built and run
// by the release workflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, serviceAccountToken, testbed } from '../../testbed/fixture.ts';
import { freePort } from '../../support/prometheus.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const executable = join(repo, 'dist/sea/linux_amd64/kubectl-antrea_certs');
if (!existsSync(executable))
  throw new Error(`${executable} is missing: run npm run package (npm test does it)`);
const archive = join(repo, 'dist/image/kubectl-antrea-certs-exporter_linux_amd64.oci.tar');
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  version: string;
};
const port = /^EXPOSE (\d+)$/m.exec(readFileSync(join(repo, 'Containerfile'), 'utf8'))?.[1];
if (process.getuid?.() !== 0 || process.arch !== 'x64')
  throw new Error(
    'scripts/image.sh builds the amd64 image as root (buildah and podman need it): run the tests so',
  );

function run(command: string, args: readonly string[], options: { cwd?: string } = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const built = run('bash', [join(repo, 'scripts/image.sh'), 'amd64'], { cwd: repo });

test('its config: nonroot, the exporter, the port and labels of Containerfile', () => {
  assert.ok(port, 'Containerfile has an EXPOSE line');
  const image = JSON.parse(run('skopeo', ['inspect', '--config', `oci-archive:${archive}`])) as {
    architecture: string;
    config: {
      User: string;
      Entrypoint: string[];
      ExposedPorts: Record<string, object>;
      Labels: Record<string, string>;
    };
  };
  assert.equal(image.architecture, 'amd64');
  assert.equal(image.config.User, '65532:65532');
  assert.equal(image.config.Entrypoint[0], '/kubectl-antrea_certs');
  assert.equal(image.config.Entrypoint.at(-1), 'exporter');
  assert.deepEqual(Object.keys(image.config.ExposedPorts), [`${port}/tcp`]);
  const labels = image.config.Labels;
  assert.equal(labels['org.opencontainers.image.version'], version);
  assert.equal(labels['org.opencontainers.image.licenses'], 'Apache-2.0');
  assert.match(labels['org.opencontainers.image.source'] ?? '', /^https:\/\/github\.com\//);
});

test('its files: the executable, its libraries, nonroot in /etc/passwd, no shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-image-'));
  try {
    run('tar', ['-xf', archive, '-C', dir]);
    const blob = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    assert.equal(index.manifests.length, 1);
    const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as {
      layers: { digest: string }[];
    };
    assert.equal(manifest.layers.length, 1);
    const layer = blob(manifest.layers[0]!.digest);
    const files = run('tar', ['-tf', layer]).split('\n');
    for (const file of ['kubectl-antrea_certs', 'etc/passwd', 'etc/group', 'lib64', 'tmp/'])
      assert.ok(files.includes(file), `${file} is in the image`);
    assert.ok(files.some((file) => /^usr\/lib\/[^/]+\/libstdc\+\+\.so\.6$/.test(file)));
    for (const shell of ['bin/sh', 'bin/bash', 'usr/bin/sh', 'bin/busybox'])
      assert.ok(!files.includes(shell), `no ${shell}`);
    assert.match(run('tar', ['-xOf', layer, 'etc/passwd']), /^nonroot:x:65532:65532:/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('podman runs the executable in the image, as 65532', () => {
  assert.doesNotMatch(built, /^podman cannot (load|run) the image here: .*/m);
  const plugin = `kubectl-antrea_certs v${version.replaceAll('.', '\\.')}`;
  assert.match(built, new RegExp(`^podman run \\S+ version --client: ${plugin}$`, 'm'));
  assert.match(built, /^podman: the executable runs as Uid: 65532 65532 65532 65532 Gid: 65532 /m);
});

test('run as a Pod runs it: in-cluster configuration, the ServiceAccount token, SIGTERM exits 0', async (t) => {
  const bed = await testbed({ version: 'v2.7.0' });
  for (const file of ['deploy/base/namespace.yaml', 'deploy/base/rbac.yaml'])
    bed.kubectl('apply', '-f', join(repo, file));
  const { token, ca } = await serviceAccountToken(bed, 'antrea-certs', 'antrea-certs-exporter');
  // What the kubelet mounts, readable by the image's user.
  const secrets = mkdtempSync(join(tmpdir(), 'antrea-certs-sa-'));
  chmodSync(secrets, 0o755);
  const files: Record<string, string> = { token, 'ca.crt': ca, namespace: 'antrea-certs' };
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(secrets, name), text, { mode: 0o644 });
  const server = new URL(/server: (\S+)/.exec(readFileSync(bed.kubeconfig, 'utf8'))?.[1] ?? '');
  const store = mkdtempSync(join(tmpdir(), 'antrea-certs-podman-'));
  const podman = (...args: string[]) =>
    run('podman', [
      ...['--root', join(store, 'root'), '--runroot', join(store, 'run')],
      ...['--storage-driver', 'vfs', '--runtime', 'runc'],
      ...args,
    ]);
  t.after(() => {
    spawnSync('podman', [
      '--root',
      join(store, 'root'),
      '--runroot',
      join(store, 'run'),
      '--storage-driver',
      'vfs',
      'rm',
      '-f',
      '-a',
    ]);
    rmSync(store, { recursive: true, force: true });
    rmSync(secrets, { recursive: true, force: true });
  });
  const image = /Loaded image: (\S+)/.exec(podman('load', '-i', archive))?.[1] ?? '';
  const listen = await freePort();
  // The host's network: the testbed's API server listens on its loopback.
  podman(
    ...['run', '-d', '--name', 'exporter', '--network', 'host'],
    ...['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'],
    ...[
      '-e',
      `KUBERNETES_SERVICE_HOST=${server.hostname}`,
      '-e',
      `KUBERNETES_SERVICE_PORT=${server.port}`,
    ],
    ...['-v', `${secrets}:/var/run/secrets/kubernetes.io/serviceaccount:ro`],
    ...[image, '--listen', `127.0.0.1:${listen}`],
  );
  const url = `http://127.0.0.1:${listen}`;
  await eventually(
    '/readyz',
    async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
    30_000,
  );
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /^antrea_certs_up\{cluster="in-cluster"\} 1$/m);
  assert.match(
    metrics,
    /^antrea_certs_mode_info\{cluster="in-cluster",namespace="kube-system",mode="self-signed"/m,
  );
  assert.match(
    metrics,
    new RegExp(
      `^antrea_certs_exporter_build_info\\{version="${version.replaceAll('.', '\\.')}"`,
      'm',
    ),
  );
  podman('stop', '-t', '10', 'exporter');
  assert.equal(podman('inspect', 'exporter', '--format', '{{.State.ExitCode}}').trim(), '0');
});
