// Changes under faults injected into the testbed's own kube-apiserver: frozen
// (SIGSTOP) for longer than two Lease renewals, and killed right after the
// backup then started again. The invariant each time: exit 0 only when the
// change converged and verify passes; otherwise a non-zero exit that says
// where the change stands; the Lease released or taken over by the next run;
// the same command completes the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterRoleBinding, FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
import { readOptional } from '../../testbed/model/kube.ts';
import { plugin, pluginInBackground, type Run, type Running } from '../plugin.ts';
import { SAYS_WHERE_IT_STANDS } from '../where-it-stands.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-faults-'));
const lease = () =>
  readOptional(() =>
    bed.api.coordination.readNamespacedLease({
      name: 'antrea-certs-change',
      namespace: bed.namespace,
    }),
  );

/** Resolves once kube-apiserver answers again after a freeze or a restart. */
async function apiserverAnswers(): Promise<void> {
  for (;;) {
    if (bed.kubectlResult('get', '--raw', '/readyz').status === 0) return;
    await sleep(200);
  }
}

/** Resolves once a backup file is in `dir` (written whole, under its final name). */
async function backupAppears(dir: string): Promise<string> {
  for (;;) {
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.json')) : undefined;
    if (file) return join(dir, file);
    await sleep(5);
  }
}

/**
 * A test's steps with the controller paused, and resumed after them in any case; `start` runs the
 * plugin in the background. When the steps fail, no run they started is left holding the Lease,
 * so that the next test fails (or passes) for its own reasons.
 */
async function whilePaused(
  steps: (start: (args: readonly string[]) => Running) => Promise<void>,
): Promise<void> {
  const runs: Running[] = [];
  const start = (args: readonly string[]) => {
    const run = pluginInBackground(bed.kubeconfig, args);
    runs.push(run);
    return run;
  };
  bed.pauseController();
  try {
    await steps(start);
  } catch (error) {
    await leaveNoRunBehind(runs);
    throw error;
  } finally {
    bed.resumeController();
  }
}

async function leaveNoRunBehind(runs: readonly Running[]): Promise<void> {
  for (const run of runs) run.kill('SIGKILL');
  await Promise.all(runs.map((run) => run.done));
  bed.kubectlResult(
    '-n',
    bed.namespace,
    'delete',
    'lease',
    'antrea-certs-change',
    '--ignore-not-found',
  );
}

/** Exit 0 only if the change converged and verify passes; otherwise it says where it stands. */
function assertInvariant(run: Run, what: string): void {
  if (run.status === 0) {
    assert.match(run.stderr, /Written\./, `${what}: exit 0 without "Written."\n${run.stderr}`);
    assert.match(run.stdout, / 0 failed/, `${what}: exit 0 without its closing checks`);
    const verify = plugin(bed.kubeconfig, ['verify']);
    assert.equal(verify.status, 0, `${what}: exit 0 but verify fails:\n${verify.stdout}`);
    return;
  }
  assert.match(run.stderr, /\nerror: /, `${what}: a non-zero exit without an error line`);
  assert.match(
    run.stderr,
    SAYS_WHERE_IT_STANDS,
    `${what}: a non-zero exit that does not say where the change stands:\n${run.stderr}`,
  );
}

test('kube-apiserver frozen longer than two Lease renewals, shorter than the Lease: the change keeps its Lease, a second change is refused naming it', async () => {
  const backups = join(work, 'freeze');
  bed.pauseController();
  const first = pluginInBackground(bed.kubeconfig, [
    'rotate',
    '--yes',
    '--backup-dir',
    backups,
    '--timeout',
    '5m',
  ]);
  let resumed = false;
  try {
    await first.stderrMatches(/waiting for/);
    const pid = bed.apiserverPid();
    process.kill(pid, 'SIGSTOP');
    // The Lease lasts 60 s and is renewed every 20 s: 45 s is two renewals missed.
    await sleep(45_000);
    process.kill(pid, 'SIGCONT');
    const thawed = Date.now();
    await apiserverAnswers();
    // The renewals go on after the freeze: one renewal period later the Lease is renewed again.
    for (;;) {
      const renewTime = (await lease())?.spec?.renewTime;
      if (renewTime && new Date(renewTime).getTime() > thawed) break;
      assert.ok(Date.now() - thawed < 30_000, 'the Lease was not renewed after the freeze');
      await sleep(500);
    }
    const second = plugin(bed.kubeconfig, ['rotate', '--yes', '--backup-dir', backups]);
    assert.equal(second.status, 1, second.stderr);
    assert.match(
      second.stderr,
      /another change is in progress in namespace kube-system: \S+ pid \d+ \(kubectl antrea-certs rotate\)/,
    );
    bed.resumeController();
    resumed = true;
  } finally {
    if (!resumed) bed.resumeController();
  }
  const result = await first.done;
  assert.doesNotMatch(result.stderr, /took Lease \S+ over|Lost Lease/);
  assert.equal(result.status, 0, result.stderr);
  assertInvariant(result, 'rotate after a freeze');
  assert.equal(await lease(), undefined, 'the Lease is released');
});

/** Into user-provided mode with a pair of generate's, so that mode self-signed has work to do. */
function userProvided(): void {
  const dir = mkdtempSync(join(work, 'pki-'));
  rmSync(dir, { recursive: true });
  assert.equal(plugin(bed.kubeconfig, ['generate', '--out', dir]).status, 0);
  const imported = plugin(bed.kubeconfig, [
    'import',
    '--from-dir',
    dir,
    '--mode',
    'user-provided',
    '--yes',
    '--no-backup',
  ]);
  assert.equal(imported.status, 0, imported.stderr);
}

for (const [command, prepare] of [
  [['mode', 'self-signed', '--regenerate', '--yes'], userProvided],
  [['rotate', '--yes'], () => undefined],
] as const) {
  test(`${command.join(' ')}: kube-apiserver stopped at the backup, killed 0.3 s later, back 2 s after: never exit 0 half done; a re-run completes it`, async () => {
    prepare();
    const backups = mkdtempSync(join(work, 'kill-'));
    const run = pluginInBackground(bed.kubeconfig, [
      ...command,
      '--backup-dir',
      backups,
      '--timeout',
      '2m',
    ]);
    await backupAppears(backups);
    process.kill(bed.apiserverPid(), 'SIGSTOP');
    await sleep(300);
    await bed.killApiserver();
    await sleep(2000);
    await bed.startApiserver();
    const result = await run.done;
    assertInvariant(result, command.join(' '));

    const again = plugin(bed.kubeconfig, [...command, '--backup-dir', backups]);
    assert.ok(
      again.status === 0 || /already in self-signed mode; nothing to do/.test(again.stderr),
      again.stderr,
    );
    assert.equal(plugin(bed.kubeconfig, ['verify']).status, 0, 'the change completed');
    assert.equal(await lease(), undefined, 'the Lease is released');
  });
}

test('a run whose Lease another run takes over (--force-unlock) stops waiting at once, exits 1 and touches nothing', async () => {
  const backups = mkdtempSync(join(work, 'takeover-'));
  await whilePaused(async (start) => {
    const first = start(['rotate', '--yes', '--backup-dir', backups]);
    await first.stderrMatches(/waiting for/);
    const second = start(['rotate', '--yes', '--force-unlock', '--backup-dir', backups]);
    const result = await first.done;
    const both = () => `first:\n${result.stderr}\nsecond so far:\n${second.stderrNow()}`;
    assert.equal(result.status, 1, both());
    assert.match(
      result.stderr,
      /Lost Lease antrea-certs-change to \S+ pid \d+ \(kubectl antrea-certs rotate\): this change stops now\./,
      both(),
    );
    assert.match(
      result.stderr,
      /\nerror: another run took Lease antrea-certs-change over \(.*\): this run stopped and left the objects to it while waiting for /,
      both(),
    );
    bed.resumeController();
    const took = await second.done;
    assert.equal(took.status, 0, took.stderr);
  });
  assert.equal(await lease(), undefined, 'the Lease is released');
});

test('a run killed in the middle of a change: the next run names the backup that undoes all of it, verify says what is left', async () => {
  const backups = mkdtempSync(join(work, 'chain-'));
  let first = '';
  await whilePaused(async (start) => {
    const killed = start(['rotate', '--yes', '--backup-dir', backups]);
    await killed.stderrMatches(/waiting for/);
    first = await backupAppears(backups);
    killed.kill('SIGKILL');
    await killed.done;
    const left = plugin(bed.kubeconfig, ['verify']);
    assert.match(
      left.stdout,
      /a change is in progress: \S+ pid \d+ \(kubectl antrea-certs rotate\)/,
    );
  });
  const again = plugin(bed.kubeconfig, ['rotate', '--yes', '--backup-dir', backups]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /Taking over Lease antrea-certs-change from a run that has ended/);
  assert.match(
    again.stderr,
    new RegExp(
      `An earlier change did not finish \\(.*\\): this one completes it; kubectl antrea-certs restore ${first.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} undoes all of it, from before it began\\.`,
    ),
  );
  assert.match(again.stderr, /the whole change is undone with kubectl antrea-certs restore /);
  assert.equal(await lease(), undefined, 'the Lease is released');
});

test('reads refused (403) for a few seconds while a change waits, as after an API server restart: the wait rides it out', async (t) => {
  // A user RBAC lets change everything; the admin's kubeconfig is system:masters, which RBAC never
  // refuses. A kube-apiserver that has just started refuses such a user until its caches fill.
  const user = 'antrea-certs-changer';
  const binding = join(work, 'changer-binding.json');
  writeFileSync(binding, JSON.stringify(clusterRoleBinding(user, 'cluster-admin', user)));
  bed.kubectl('apply', '-f', binding);
  t.after(() => bed.kubectlResult('delete', 'clusterrolebinding', user, '--ignore-not-found'));
  const backups = mkdtempSync(join(work, 'refused-'));
  await whilePaused(async (start) => {
    const run = start(['rotate', '--yes', '--as', user, '--backup-dir', backups]);
    await run.stderrMatches(/waiting for/);
    bed.kubectl('delete', 'clusterrolebinding', user);
    // A change to a watched object wakes the wait (its watches stay open): its next read is refused.
    bed.kubectl(
      ...['-n', bed.namespace, 'annotate', 'configmap', 'antrea-ca', '--overwrite'],
      `antrea-certs-test/refused=${Date.now()}`,
    );
    await run.stderrMatches(/refusing reads \(403\)/);
    bed.kubectl('apply', '-f', binding);
    bed.resumeController();
    const result = await run.done;
    assert.equal(result.status, 0, result.stderr);
  });
  assert.equal(await lease(), undefined, 'the Lease is released');
});
