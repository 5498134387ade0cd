// Two changes at once on a v2.7.0 testbed in self-signed mode: the change
// Lease lets exactly one write, the other is refused naming the holder, and
// the cluster converges once; a run killed with SIGKILL is taken over at once
// on the same machine; another machine's stale Lease refuses until it expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
import { readOptional } from '../../testbed/model/kube.ts';
import { plugin, pluginAsync, pluginInBackground } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const backups = join(mkdtempSync(join(tmpdir(), 'antrea-certs-concurrent-')), 'backups');
const args = ['rotate', '--yes', '--timeout', '90s', '--backup-dir', backups];
const lease = () =>
  readOptional(() =>
    bed.api.coordination.readNamespacedLease({ name: 'antrea-certs-change', namespace: ns }),
  );
const REFUSED =
  /\nerror: another change is in progress in namespace kube-system: \S+@\S+ pid (\d+) \(kubectl antrea-certs rotate\) since \S+ \(Lease antrea-certs-change, renewed \d+s ago\); wait for it to end, or pass --force-unlock if that run is gone \(a Lease nobody renews expires after 60s\)\. Nothing was written\.\n$/;

test('two rotate --yes started together: one rotates, the other is refused naming it, one new CA', async () => {
  const before = await bed.publishedCa();
  // The controller is paused so that neither run can finish before the other has tried.
  bed.pauseController();
  const runs = [pluginAsync(bed.kubeconfig, args), pluginAsync(bed.kubeconfig, args)];
  const refusedOne = await Promise.race(runs);
  bed.resumeController();
  const results = await Promise.all(runs);
  assert.deepEqual(
    results.map((r) => r.status).sort(),
    [0, 1],
    results.map((r) => r.stderr).join('\n---\n'),
  );
  assert.equal(refusedOne.status, 1, 'the refused run ends first');
  assert.match(refusedOne.stderr, REFUSED);
  const winner = results.find((r) => r.status === 0);
  assert.match(winner?.stderr ?? '', /converged/);
  assert.match(winner?.stdout ?? '', / 0 failed/);
  const after = await bed.publishedCa();
  assert.notEqual(after, before);
  assert.equal(await lease(), undefined, 'the Lease is released at the end');
  const verify = plugin(bed.kubeconfig, ['verify']);
  assert.equal(verify.status, 0, verify.stdout);
});

test('a run killed with SIGKILL: on the same machine the next run takes its Lease over at once', async () => {
  bed.pauseController();
  const killed = pluginInBackground(bed.kubeconfig, args);
  await killed.stderrMatches(/Written\./);
  killed.kill('SIGKILL');
  await killed.done;
  bed.resumeController();
  const held = await lease();
  assert.match(
    held?.spec?.holderIdentity ?? '',
    /pid \d+ \(kubectl antrea-certs rotate\)/,
    'left behind',
  );
  const next = plugin(bed.kubeconfig, args);
  assert.equal(next.status, 0, next.stderr + next.stdout);
  assert.match(
    next.stderr,
    /Taking over Lease antrea-certs-change from a run that has ended: \S+ pid \d+ \(kubectl antrea-certs rotate\)\./,
  );
  assert.match(next.stdout, / 0 failed/);
  assert.equal(await lease(), undefined);
});

/** A Lease another machine's run holds, created as the API server takes MicroTime. */
async function leaseOfAnotherMachine(holder: string, seconds: number) {
  // The typed client sends MicroTime with milliseconds, which v1 refuses: the custom objects API sends it as written.
  const now = new Date().toISOString().replace(/Z$/, '000Z');
  await bed.api.custom.createNamespacedCustomObject({
    group: 'coordination.k8s.io',
    version: 'v1',
    namespace: ns,
    plural: 'leases',
    body: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'antrea-certs-change', namespace: ns },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: seconds,
        acquireTime: now,
        renewTime: now,
      },
    },
  });
}

test("another machine's run that stopped renewing: refused until its Lease expires, then the next run proceeds", async () => {
  await leaseOfAnotherMachine('ci@runner-7 pid 4242 (kubectl antrea-certs rotate)', 5);
  const refused = plugin(bed.kubeconfig, args);
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    /in progress in namespace kube-system: ci@runner-7 pid 4242 \(kubectl antrea-certs rotate\) since /,
  );
  await sleep(5500);
  const next = plugin(bed.kubeconfig, args);
  assert.equal(next.status, 0, next.stderr + next.stdout);
  assert.equal(await lease(), undefined);
});

test('--force-unlock takes over a live Lease', async () => {
  await leaseOfAnotherMachine('admin@laptop pid 1 (kubectl antrea-certs import)', 3600);
  const refused = plugin(bed.kubeconfig, args);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /admin@laptop pid 1 \(kubectl antrea-certs import\)/);
  const forced = plugin(bed.kubeconfig, [...args, '--force-unlock']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(await lease(), undefined);
});
