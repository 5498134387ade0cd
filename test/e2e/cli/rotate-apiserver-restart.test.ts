// rotate while kube-apiserver goes away: the wait rides out a restart, and
// when the API server stays away past --timeout the plugin says what was done
// and what was not seen, the cluster is in one state, and a re-run completes.
// The controller model is frozen around the restart so the API server is
// surely gone while the rotation is in flight, not after it converged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testbed, consumerBundles, eventually, type Testbed } from '../../testbed/fixture.ts';
import { plugin, pluginInBackground } from '../plugin.ts';

// A frozen model can lose a watch event across the restart; its periodic re-check of the Secret
// (an hour by default) then catches up, shortened here so a lost event costs seconds, not the test.
const bed: Testbed = await testbed({
  version: 'v2.7.0',
  timings: { publishResyncSeconds: 3, secretRecheckSeconds: 5 },
});
const ns = bed.namespace;
const backups = join(mkdtempSync(join(tmpdir(), 'antrea-certs-restart-')), 'backups');
const rotate = (...args: string[]) =>
  pluginInBackground(bed.kubeconfig, ['rotate', '--yes', '--backup-dir', backups, ...args]);
const secretExists = async () =>
  (
    await bed.api.core.listNamespacedSecret({
      namespace: ns,
      fieldSelector: 'metadata.name=antrea-controller-tls',
    })
  ).items.length > 0;

async function withController<T>(frozen: () => Promise<T>): Promise<T> {
  bed.pauseController();
  try {
    return await frozen();
  } finally {
    bed.resumeController();
  }
}

test('kube-apiserver restarts while rotate waits: the wait rides it out and the rotation completes', async () => {
  const caBefore = await bed.publishedCa();
  const run = await withController(async () => {
    const running = rotate('--timeout', '2m');
    await running.stderrMatches(/Written\./);
    await bed.stopApiserver();
    await running.stderrMatches(/waiting for the API server at \S+ to answer again \(unreachable/);
    return running;
  });
  await bed.startApiserver();
  const result = await run.done;
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stderr, /converged/);
  assert.match(result.stdout, / 0 failed/);
  const caAfter = await bed.publishedCa();
  assert.ok(caAfter && caAfter !== caBefore, 'a new CA is published');
  for (const [consumer, bundle] of await consumerBundles(bed))
    assert.equal(bundle, caAfter, `${consumer} carries the new CA`);
});

test('kube-apiserver stays away past --timeout: exit 124 naming what was done, one consistent state, and a re-run completes', async () => {
  const caBefore = await bed.publishedCa();
  const first = await withController(async () => {
    const running = rotate('--timeout', '6s');
    await running.stderrMatches(/Written\./);
    await bed.stopApiserver();
    const result = await running.done;
    await bed.startApiserver();
    // Still frozen: what the cluster holds now is what the plugin left.
    assert.equal(await secretExists(), false, 'the Secret the rotation deleted stays deleted');
    assert.equal(
      await bed.publishedCa(),
      caBefore,
      'clients still get the old CA, which the controller still serves',
    );
    for (const [consumer, bundle] of await consumerBundles(bed))
      assert.equal(bundle, caBefore, `${consumer} still carries the old CA`);
    return result;
  });
  assert.equal(first.status, 124, first.stderr);
  assert.match(
    first.stderr,
    /timed out after 6s waiting for the API server at \S+ to answer again/,
  );
  assert.match(first.stderr, /done: Secret antrea-controller-tls: deleted/);
  assert.match(first.stderr, /not seen yet: the API server .* to answer again/);
  assert.match(first.stderr, /running the same command again completes it/);

  // The re-run while the controller has not yet reacted: nothing to delete, it waits for the new pair.
  const second = await withController(async () => {
    const running = rotate('--timeout', '2m');
    await running.stderrMatches(/Secret antrea-controller-tls is already gone: nothing to write/);
    await sleep(500);
    return running;
  });
  const result = await second.done;
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(result.stdout, / 0 failed/);
  const caAfter = await eventually('antrea-ca to change', async () =>
    (await bed.publishedCa()) !== caBefore ? bed.publishedCa() : undefined,
  );
  for (const [consumer, bundle] of await consumerBundles(bed))
    assert.equal(bundle, caAfter, `${consumer} carries the new CA`);
  assert.equal(plugin(bed.kubeconfig, ['verify']).status, 0);
});
