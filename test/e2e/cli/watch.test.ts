// status --watch and verify --watch on a v2.7.0 testbed: a line per change in
// a pipe, a JSON document a line with -o json, the report redrawn in place on
// a real terminal (tmux); a caBundle patched to a foreign CA shows up, and
// going back shows up too. Ctrl-C exits 130, SIGTERM 143.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  testbed,
  withForeignCaBundle as withForeignCaBundleOf,
  type Testbed,
} from '../../testbed/fixture.ts';
import { PLUGIN_SHELL, pluginInBackground } from '../plugin.ts';

const APISERVICE = 'v1beta2.controlplane.antrea.io';
const bed: Testbed = await testbed({ version: 'v2.7.0' });
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-watch-'));

const withForeignCaBundle = (check: () => Promise<void>) =>
  withForeignCaBundleOf(bed, APISERVICE, check);

test('in a pipe: one line per change with a timestamp, the foreign caBundle and its undoing; Ctrl-C exits 130', async () => {
  const running = pluginInBackground(bed.kubeconfig, ['status', '--watch']);
  const inStep = /consumers (\d+)\/\1 {2}✔/;
  await running.stdoutMatches(inStep, 30_000);
  await withForeignCaBundle(() => running.stdoutMatches(/consumers \d+\/\d+ {2}× {2}.*caBundle/));
  await running.stdoutMatches(new RegExp(`×.*\\n.*${inStep.source}`));
  running.kill('SIGINT');
  const { status, stdout, stderr } = await running.done;
  assert.equal(status, 130, stderr);
  const lines = stdout.trimEnd().split('\n');
  for (const line of lines)
    assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}testbed {2}v2\.7\.0 /);
  const bodies = lines.map((l) => l.slice(l.indexOf(' ')));
  for (let i = 1; i < bodies.length; i++)
    assert.notEqual(bodies[i], bodies[i - 1], 'a line is printed only when something changed');
  assert.doesNotMatch(stderr, /Interrupted/);
});

test('verify -w -o json: a JSON document a line, whose checks follow the cluster; SIGTERM exits 143', async () => {
  const running = pluginInBackground(bed.kubeconfig, ['verify', '-w', '-o', 'json']);
  await running.stdoutMatches(/"report"/, 30_000);
  await withForeignCaBundle(() => running.stdoutMatches(/"status":"fail"/));
  await running.stdoutMatches(/"status":"fail".*\n.*"failed":0/);
  running.kill('SIGTERM');
  const { status, stdout } = await running.done;
  assert.equal(status, 143);
  const documents = stdout
    .trimEnd()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          time: string;
          context: string;
          report: { summary: { failed: number } };
        },
    );
  assert.ok(documents.length >= 3);
  assert.ok(documents.every((d) => d.context === 'testbed' && !Number.isNaN(Date.parse(d.time))));
  assert.deepEqual(
    [documents[0]?.report.summary.failed, documents.at(-1)?.report.summary.failed],
    [0, 0],
  );
  assert.ok(documents.some((d) => d.report.summary.failed > 0));
});

test('on a terminal (tmux): the report redrawn in place at each change; Ctrl-C exits 130', async () => {
  const session = `antrea-certs-watch-${process.pid}`;
  const rcFile = join(work, 'rc');
  const command = [
    `NO_COLOR=1 KUBECONFIG=${bed.kubeconfig} ${PLUGIN_SHELL} status --watch`,
    `echo $? > ${rcFile}`,
    'sleep 30',
  ].join('; ');
  const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
  assert.equal(
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '70', command).status,
    0,
  );
  try {
    const screen = () => tmux('capture-pane', '-p', '-t', session).stdout;
    await eventually(
      'the report',
      () => /Serving certificate[\s\S]*✔ matches/.test(screen()),
      30_000,
    );
    assert.match(screen(), /^testbed: last change .*Z; watching \(Ctrl-C to stop\)$/m);
    await withForeignCaBundle(async () => {
      await eventually('the foreign caBundle on screen', () => /× differs/.test(screen()));
    });
    await eventually('in step again', () => !/× differs/.test(screen()));
    // Redrawn, not appended: the report is on the screen once.
    assert.equal(screen().match(/Serving certificate/g)?.length, 1);
    tmux('send-keys', '-t', session, 'C-c');
    const rc = await eventually('the exit code', () =>
      existsSync(rcFile) ? readFileSync(rcFile, 'utf8').trim() : undefined,
    );
    assert.equal(rc, '130');
  } finally {
    tmux('kill-session', '-t', session);
  }
});
