// The exporter's container image as scripts/image.sh builds it without a registry (buildah from
// scratch): its config against Containerfile, its files, and the executable run in it by podman.
// Containerfile itself, on distroless, is built and run by the release workflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
