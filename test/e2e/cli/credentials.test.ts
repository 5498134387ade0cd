// Credential plugins that cannot hang the plugin, and credential failures
// named as such: a fleet with exec plugins that hang, are missing, fail,
// print garbage, and a client certificate file that is gone, beside a good
// context. The run ends at --cluster-timeout, every bad context is one line of
// kind "credentials", and no plugin is left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { spawn, spawnSync } from 'node:child_process';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { plugin, PLUGIN } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0' });
const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-credentials-'));
const script = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
const HUNG_PID = join(dir, 'hung.pid');
/** A duration no other process sleeps, to find the script's sleep by. */
const SCRIPT_SLEEP = `30.${process.pid}`;
const sleeping = () =>
  spawnSync('pgrep', ['-f', `sleep ${SCRIPT_SLEEP}`], { encoding: 'utf8' }).stdout.trim();
const exec = (command: string) => ({
  exec: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' },
});

interface Doc {
  clusters: { name: string; cluster: object }[];
  users: { name: string; user: Record<string, unknown> }[];
}
const base = yaml.load(readFileSync(bed.kubeconfig, 'utf8')) as Doc;
const cluster = base.clusters[0]?.cluster ?? {};
const goodUser = base.users[0]?.user ?? {};
const users: Record<string, Record<string, unknown>> = {
  good: goodUser,
  hung: exec(script('hung', `echo $$ > ${HUNG_PID}; exec sleep 60`)),
  // A shell script that does not exec: the sleep is its child, holding its pipes.
  script: exec(script('script', `sleep ${SCRIPT_SLEEP}`)),
  hinted: {
    exec: {
      ...exec(join(dir, 'no-such-login')).exec,
      installHint: 'corp-login is needed:\n  brew install corp-login',
    },
  },
  missing: exec(join(dir, 'no-such-plugin')),
  fails: exec(script('fails', 'echo "refresh token expired: run corp-login" >&2; exit 2')),
  garbage: exec(script('garbage', 'echo "Open https://login.example to sign in"; echo "and then"')),
  'no-cert-file': {
    'client-certificate': join(dir, 'gone.crt'),
    'client-key': join(dir, 'gone.key'),
  },
};
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'testbed', cluster }],
    users: Object.entries(users).map(([name, user]) => ({ name, user })),
    contexts: Object.keys(users).map((name) => ({
      name,
      context: { cluster: 'testbed', user: name },
    })),
    'current-context': 'good',
  }),
  { mode: 0o600 },
);

interface Fleet {
  clusters: ({ context: string } & (
    { report: unknown } | { error: { kind: string; message: string } }
  ))[];
}

test('verify --all-contexts --cluster-timeout 3s: ends in time, each bad context one credentials line, no plugin left', () => {
  const started = Date.now();
  const result = plugin(kubeconfig, [
    'verify',
    '--all-contexts',
    '--cluster-timeout',
    '3s',
    '-o',
    'json',
  ]);
  const seconds = (Date.now() - started) / 1000;
  // 3 s for the contexts that hang, then the process's own start and end.
  assert.ok(seconds < 5, `took ${seconds}s`);
  assert.equal(result.status, 1, result.stderr);
  const fleet = JSON.parse(result.stdout) as Fleet;
  const errors = Object.fromEntries(
    fleet.clusters.flatMap((c) => ('error' in c ? [[c.context, c.error]] : [])),
  ) as Record<string, { kind: string; message: string }>;
  assert.ok(fleet.clusters.some((c) => c.context === 'good' && 'report' in c));
  for (const context of ['hung', 'script', 'missing', 'fails', 'garbage', 'no-cert-file'])
    assert.equal(
      errors[context]?.kind,
      'credentials',
      `${context}: ${JSON.stringify(errors[context])}`,
    );
  assert.match(
    errors.hung?.message ?? '',
    /credential plugin ".*hung" of context "hung" did not finish within 3s( \(--cluster-timeout\))? and was stopped/,
  );
  assert.match(
    errors.missing?.message ?? '',
    /no-such-plugin" of context "missing" was not found; install it/,
  );
  assert.match(errors.fails?.message ?? '', /exited 2: refresh token expired: run corp-login/);
  assert.match(
    errors.garbage?.message ?? '',
    /printed no valid ExecCredential \(its output is not JSON\)/,
  );
  assert.match(
    errors['no-cert-file']?.message ?? '',
    /client-certificate file .*gone\.crt of context "no-cert-file" cannot be read \(ENOENT\)/,
  );
  assert.ok(existsSync(HUNG_PID));
  let gone = false;
  try {
    process.kill(Number(readFileSync(HUNG_PID, 'utf8')), 0);
  } catch {
    gone = true;
  }
  assert.ok(gone, 'the hung plugin was killed');
  assert.equal(sleeping(), '', "the script's sleep was killed with it");

  const table = plugin(kubeconfig, ['verify', '--all-contexts', '--cluster-timeout', '5s']);
  for (const context of ['hung', 'missing', 'fails', 'garbage', 'no-cert-file'])
    assert.match(table.stdout, new RegExp(`^${context} .* credentials: `, 'm'), table.stdout);
  assert.equal(table.stdout.split('\n').filter((l) => /and then/.test(l)).length, 0);
});

test('one context: a failing plugin is one error line naming it, exit 1', () => {
  const result = plugin(kubeconfig, ['status', '--context', 'fails']);
  assert.equal(result.status, 1);
  assert.equal(
    result.stderr.trim(),
    `error: the credential plugin "${join(dir, 'fails')}" of context "fails" exited 2: refresh token expired: run corp-login; run it yourself to see why`,
  );
});

test('a plugin that is a shell script dies with its children: --request-timeout ends the run, nothing left', () => {
  const started = Date.now();
  const result = plugin(kubeconfig, ['status', '--context', 'script', '--request-timeout', '3s']);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /of context "script" did not finish within 3s and was stopped/);
  assert.ok(seconds < 6, `took ${seconds}s`);
  assert.equal(sleeping(), '', "the script's sleep was killed with it");
});

test('SIGTERM while a script plugin runs: the run ends at once and the script and its sleep go', async () => {
  const child = spawn(PLUGIN[0], [...PLUGIN.slice(1), 'status', '--context', 'script'], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 50 && !sleeping(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.notEqual(sleeping(), '', 'the plugin started');
  const started = Date.now();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('close', resolve));
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 5, `took ${seconds}s`);
  assert.equal(sleeping(), '', "the script's sleep was killed");
});

test("a missing plugin's installHint is what the error says to do", () => {
  const result = plugin(kubeconfig, ['status', '--context', 'hinted']);
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /no-such-login" of context "hinted" was not found; corp-login is needed: brew install corp-login \(its installHint\)/,
  );
});
