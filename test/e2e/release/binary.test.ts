// The linux/amd64 release archive installed as krew would (unpacked, its
// directory on PATH) and run through kubectl against a testbed, with no
// Node.js on PATH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { ensureBinaries } from '../../testbed/binaries.ts';
import { TRACED_BIN } from '../plugin.ts';

const archive = fileURLToPath(
  new URL('../../../dist/release/kubectl-antrea_certs_linux_amd64.tar.gz', import.meta.url),
);
if (!existsSync(archive))
  throw new Error(`${archive} is missing: run npm run package (npm test does it)`);
const { version } = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'),
) as { version: string };

const bed: Testbed = await testbed({ version: 'v2.7.0' });
const scratch = mkdtempSync(join(tmpdir(), 'antrea-certs-krew-'));
const pluginDir = join(scratch, 'plugin');
const kubectlDir = join(scratch, 'kubectl');
mkdirSync(pluginDir);
mkdirSync(kubectlDir);
const unpack = spawnSync('tar', ['-xzf', archive, '-C', pluginDir], { encoding: 'utf8' });
if (unpack.status !== 0) throw new Error(`tar failed: ${unpack.stderr}`);
// kubectl alone in its directory: the system's bin directory may hold node.
symlinkSync(realpathSync(ensureBinaries().kubectl), join(kubectlDir, 'kubectl'));
const env = {
  PATH: `${pluginDir}:${kubectlDir}`,
  HOME: scratch,
  KUBECONFIG: bed.kubeconfig,
  NO_COLOR: '1',
};

function run(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', env, timeout: 60_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
const kubectl = (...args: string[]) => run(join(kubectlDir, 'kubectl'), args);

test('the PATH has no node: the plugin runs on its own', () => {
  for (const dir of env.PATH.split(':'))
    assert.ok(!existsSync(join(dir, 'node')), `${dir} holds no node`);
  assert.notEqual(spawnSync('/bin/sh', ['-c', 'command -v node'], { env }).status, 0);
  const direct = run(join(pluginDir, 'kubectl-antrea_certs'), ['version', '--client']);
  assert.deepEqual([direct.status, direct.stdout], [0, `kubectl-antrea_certs v${version}\n`]);
});

test('kubectl plugin list lists it', () => {
  const list = kubectl('plugin', 'list');
  assert.equal(list.status, 0, list.stderr);
  assert.ok(list.stdout.split('\n').includes(join(pluginDir, 'kubectl-antrea_certs')), list.stdout);
  assert.doesNotMatch(list.stdout + list.stderr, /warning/i);
});

test('kubectl antrea-certs --help, version, status and verify', () => {
  const help = kubectl('antrea-certs', '--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^kubectl antrea-certs <command> \[options\]/);
  assert.match(help.stdout, /kubectl antrea-certs version +Print the plugin version/);

  const versions = kubectl('antrea-certs', 'version');
  assert.equal(versions.status, 0, versions.stderr);
  assert.equal(
    versions.stdout,
    `kubectl-antrea_certs v${version}\nAntrea v2.7.0 in namespace kube-system (from AntreaControllerInfo)\n`,
  );
  assert.deepEqual(JSON.parse(kubectl('antrea-certs', 'version', '-o', 'json').stdout).antrea, {
    version: 'v2.7.0',
    versionSource: 'AntreaControllerInfo',
    namespace: 'kube-system',
    namespaceSource: 'found',
  });

  const status = kubectl('antrea-certs', 'status');
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /Mode +self-signed, pair persisted in Secret antrea-controller-tls/);
  assert.equal(status.stderr, '', 'no warnings from the runtime (punycode, SEA)');

  const verify = kubectl('antrea-certs', 'verify');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /\d+ passed, 0 warnings, 0 failed/);
});

test('version fails like kubectl version when the cluster cannot be reached, after the plugin line', () => {
  const result = run(join(pluginDir, 'kubectl-antrea_certs'), [
    'version',
    '--server',
    'https://127.0.0.1:1',
    '--request-timeout',
    '5s',
  ]);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, `kubectl-antrea_certs v${version}\n`);
  assert.match(result.stderr, /^error: /);
});

test('the completion helper in the archive answers for kubectl antrea-certs <TAB>', () => {
  const helper = run(join(pluginDir, 'kubectl_complete-antrea_certs'), ['']);
  assert.equal(helper.status, 0, helper.stderr);
  assert.match(helper.stdout, /^status\tShow the certificate mode/m);
  assert.match(helper.stdout, /\n:4\n$/);
  const namespaces = run(join(pluginDir, 'kubectl_complete-antrea_certs'), [
    'status',
    '-n',
    'kube-',
  ]);
  assert.match(namespaces.stdout, /^kube-system$/m, 'namespaces from the cluster');
  assert.doesNotMatch(namespaces.stdout, /^default$/m, 'filtered by what was typed');

  // kubectl 1.26+ runs the helper; older ones (the testbed's own 1.20 build) have no plugin completion.
  const client = JSON.parse(kubectl('version', '--client', '-o', 'json').stdout) as {
    clientVersion: { minor: string };
  };
  const through = kubectl('__complete', 'antrea-certs', 've');
  if (parseInt(client.clientVersion.minor, 10) >= 26) {
    assert.equal(through.status, 0, through.stderr);
    assert.match(through.stdout, /^verify\t.*\nversion\t.*\n:4\n$/);
  } else
    assert.doesNotMatch(
      through.stdout,
      /^verify\t/m,
      `kubectl 1.${client.clientVersion.minor} has no plugin completion`,
    );
});

test('completing commands and flags never loads the Kubernetes client; --namespace values do', () => {
  // The traced build (npm test makes it) names every module it evaluated, on exit.
  const modules = (args: string[]) => {
    const r = spawnSync(process.execPath, [TRACED_BIN, '__complete', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', KUBECONFIG: bed.kubeconfig, ANTREA_CERTS_TRACE: '1' },
    });
    return { stdout: r.stdout, modules: /^EVALUATED (.*)$/m.exec(r.stderr)?.[1] ?? '' };
  };
  const marker = /src\/kube\/client|@kubernetes\/client-node/;
  assert.doesNotMatch(modules(['']).modules, marker);
  assert.doesNotMatch(modules(['verify', '--']).modules, marker);
  assert.doesNotMatch(modules(['status', '-o', '']).modules, marker);
  const namespaces = modules(['status', '-n', '']);
  assert.match(namespaces.modules, marker);
  assert.match(namespaces.stdout, /^kube-system$/m);
});
