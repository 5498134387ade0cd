// No testbed process outlives `down`, a failed `up`, or the process that started it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { up, down, readState } from '../../testbed/testbed.ts';
import { isAlive } from '../../testbed/processes.ts';
import { ensureBinaries } from '../../testbed/binaries.ts';
import { eventually } from '../../testbed/fixture.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');

/** Processes whose command line names the directory (the testbed's processes all do). */
function processesUsing(dir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-lifecycle-'));
  return dir;
}

test('the CLI brings a testbed up, reports it, and down stops every process it started', async () => {
  const dir = tempDir();
  try {
    const upRun = spawnSync(tsx, ['test/testbed/cli.ts', 'up', '--dir', dir], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(upRun.status, 0, upRun.stderr);
    assert.equal(upRun.stdout.trim(), join(dir, 'kubeconfig'));
    const state = readState(dir);
    assert.ok(state);
    const pids = Object.values(state.processes).map((p) => p.pid);
    assert.ok(pids.length >= 4 && pids.every(isAlive));

    const status = spawnSync(tsx, ['test/testbed/cli.ts', 'status', '--dir', dir], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(status.status, 0);
    assert.match(status.stdout, /kube-apiserver\s+pid \d+\s+running/);

    const again = spawnSync(tsx, ['test/testbed/cli.ts', 'up', '--dir', dir], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already up/);

    const downRun = spawnSync(tsx, ['test/testbed/cli.ts', 'down', '--dir', dir], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(downRun.status, 0);
    assert.deepEqual(pids.filter(isAlive), []);
    assert.deepEqual(processesUsing(dir), []);
  } finally {
    await down(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed up stops what it had started', async () => {
  const dir = tempDir();
  const manifestDir = tempDir();
  const manifest = join(manifestDir, 'broken.yml');
  writeFileSync(
    manifest,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Valid_Name\n  namespace: kube-system\n',
  );
  try {
    await assert.rejects(up({ dir, manifest }), /applying the Antrea manifest failed/);
    assert.equal(readState(dir), undefined);
    assert.deepEqual(processesUsing(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(manifestDir, { recursive: true, force: true });
  }
});

test('when the process that brought a testbed up dies, the watchdog takes it down', async () => {
  const dir = tempDir();
  const script = join(dir, 'owner.mts');
  writeFileSync(
    script,
    `import { up } from ${JSON.stringify(join(root, 'test/testbed/testbed.ts'))};\n` +
      `await up({ dir: ${JSON.stringify(dir)}, ownerPid: process.pid });\n` +
      `console.log('up');\nsetInterval(() => undefined, 1000);\n`,
  );
  // node itself, not the tsx wrapper: the owner is the process that calls up().
  const owner = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let output = '';
    owner.stdout.on('data', (d: Buffer) => (output += d.toString()));
    await eventually('the owner to bring the testbed up', () => output.includes('up'), 60_000);
    const pids = Object.values(readState(dir)?.processes ?? {}).map((p) => p.pid);
    assert.ok(
      pids.length >= 5 && pids.every(isAlive),
      'etcd, apiserver, controller manager, model and watchdog run',
    );
    owner.kill('SIGKILL');
    await eventually(
      'every testbed process to stop',
      () => pids.every((pid) => !isAlive(pid)),
      20_000,
    );
    assert.deepEqual(processesUsing(dir), []);
    assert.equal(readState(dir), undefined);
  } finally {
    owner.kill('SIGKILL');
    await down(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two testbeds run side by side with separate clusters and model addresses', async () => {
  const dirs = [tempDir(), tempDir()];
  try {
    const states = await Promise.all(
      dirs.map((dir) =>
        up({
          dir,
          namespace: dir === dirs[0] ? 'kube-system' : 'antrea-ns',
          ownerPid: process.pid,
        }),
      ),
    );
    assert.notEqual(states[0]?.server, states[1]?.server);
    assert.notEqual(states[0]?.address, states[1]?.address);
    const kubeconfig = states[1]?.kubeconfig ?? '';
    const { kubectl } = ensureBinaries();
    const ca = execFileSync(
      kubectl,
      [
        '--kubeconfig',
        kubeconfig,
        '-n',
        'antrea-ns',
        'get',
        'configmap',
        'antrea-ca',
        '-o',
        'jsonpath={.data.ca\\.crt}',
      ],
      { encoding: 'utf8' },
    );
    assert.match(ca, /BEGIN CERTIFICATE/);
    const served = execFileSync(
      kubectl,
      ['--kubeconfig', kubeconfig, 'get', '--raw', '/apis/controlplane.antrea.io/v1beta2'],
      { encoding: 'utf8' },
    );
    assert.equal(JSON.parse(served).groupVersion, 'controlplane.antrea.io/v1beta2');
    assert.match(readFileSync(join(dirs[1] ?? '', 'model.log'), 'utf8'), /namespace antrea-ns/);
  } finally {
    for (const dir of dirs) {
      await down(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
