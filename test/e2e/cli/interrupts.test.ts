// Ctrl-C and SIGTERM during a change, on a v2.7.0 testbed in self-signed mode,
// at each stage: at the confirmation question (a real terminal, through tmux),
// during the writes (kube-apiserver frozen to hold the stage open), and during
// the wait (the controller model paused). Each time: the exit code (130 or
// 143), what it says, the cluster in the old or the new state, the Lease
// released; and a re-run completes an interrupted wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
import { readOptional } from '../../testbed/model/kube.ts';
import { PLUGIN_SHELL, plugin, pluginInBackground } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-interrupts-'));
const backups = join(work, 'backups');
const lease = () =>
  readOptional(() =>
    bed.api.coordination.readNamespacedLease({ name: 'antrea-certs-change', namespace: ns }),
  );
async function state() {
  const [secret, config] = await Promise.all([
    readOptional(() =>
      bed.api.core.readNamespacedSecret({ name: 'antrea-controller-tls', namespace: ns }),
    ),
    bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace: ns }),
  ]);
  return { tlsCrt: secret?.data?.['tls.crt'], config: config.data?.['antrea-controller.conf'] };
}
const apiserverPid = () => {
  const pid = bed.processes.apiserver?.pid;
  if (!pid) throw new Error('no kube-apiserver pid');
  return pid;
};

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} during the wait: stops waiting, says where the change stands, exit ${code}; a re-run completes it`, async () => {
    const before = await bed.publishedCa();
    bed.pauseController();
    const run = pluginInBackground(bed.kubeconfig, ['rotate', '--yes', '--backup-dir', backups]);
    try {
      await run.stderrMatches(/waiting for/);
      run.kill(signal);
    } finally {
      bed.resumeController();
    }
    const result = await run.done;
    assert.equal(result.status, code, result.stderr);
    assert.match(result.stderr, new RegExp(`Interrupted \\(${signal}\\): no longer waiting\\.`));
    assert.match(
      result.stderr,
      /Where the change stands:\n {2}done: Secret antrea-controller-tls: deleted/,
    );
    assert.match(result.stderr, /\n {2}not seen yet: /);
    assert.match(result.stderr, /running the same command again completes it\./);
    assert.match(
      result.stderr,
      new RegExp(
        `\\nerror: interrupted \\(${signal}\\) while waiting for .*; the change is written and goes on without the plugin\\.\\n$`,
      ),
    );
    assert.equal(await lease(), undefined, 'the Lease is released');
    const again = plugin(bed.kubeconfig, ['rotate', '--yes', '--backup-dir', backups]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, / 0 failed/);
    assert.notEqual(await bed.publishedCa(), before);
  });
}

test('SIGINT during the writes: the current write finishes, what was written is put back, exit 130', async () => {
  const dir = join(work, 'pki');
  assert.equal(plugin(bed.kubeconfig, ['generate', '--out', dir]).status, 0);
  const before = await state();
  const run = pluginInBackground(bed.kubeconfig, [
    'import',
    '--from-dir',
    dir,
    '--mode',
    'user-provided',
    '--yes',
    '--backup-dir',
    backups,
  ]);
  await run.stderrMatches(/Backup of the objects this changes/);
  // Frozen, the API server holds the write in flight: the signal comes during the writes.
  process.kill(apiserverPid(), 'SIGSTOP');
  try {
    await sleep(200);
    run.kill('SIGINT');
    await run.stderrMatches(
      /Interrupted \(SIGINT\): the current write finishes, then what this run wrote is put back/,
    );
  } finally {
    process.kill(apiserverPid(), 'SIGCONT');
  }
  const result = await run.done;
  assert.equal(result.status, 130, result.stderr);
  assert.match(
    result.stderr,
    /\nerror: interrupted \(SIGINT\) while writing; the objects it had changed were put back as they were\.\n$/,
  );
  assert.deepEqual(await state(), before, 'the cluster holds the old objects');
  assert.equal(await lease(), undefined);
});

test('Ctrl-C at the confirmation question on a terminal: nothing written, exit 130, the terminal restored', async () => {
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', 'antrea-certs-test', ...args], { encoding: 'utf8' });
  const exitFile = join(work, 'exit');
  const before = await state();
  // The shell runs a trap on INT, so it survives the Ctrl-C and records the plugin's exit.
  const command =
    `trap true INT; KUBECONFIG=${bed.kubeconfig} NO_COLOR=1 ${PLUGIN_SHELL} rotate --backup-dir ${backups}; ` +
    `echo EXIT=$? > ${exitFile}; stty -a | grep -o -- '-\\?icanon' >> ${exitFile}; sleep 30`;
  tmux('new-session', '-d', '-s', 'ask', '-x', '120', '-y', '40', command);
  try {
    for (
      let i = 0;
      i < 100 && !/Go ahead\? \[y\/N\]/.test(tmux('capture-pane', '-p', '-t', 'ask'));
      i++
    )
      await sleep(100);
    tmux('send-keys', '-t', 'ask', 'C-c');
    for (let i = 0; i < 100 && !existsSync(exitFile); i++) await sleep(100);
    await sleep(200);
    const screen = tmux('capture-pane', '-p', '-t', 'ask');
    assert.match(
      screen,
      /Interrupted \(SIGINT\) before anything was written: nothing was written\./,
    );
    assert.deepEqual(readFileSync(exitFile, 'utf8').split('\n').filter(Boolean), [
      'EXIT=130',
      'icanon',
    ]);
  } finally {
    spawnSync('tmux', ['-L', 'antrea-certs-test', 'kill-server']);
  }
  assert.deepEqual(await state(), before);
  assert.equal(await lease(), undefined);
});
