// One cluster of a fleet run (src/report/cluster.ts): which errors are which
// kind of failure, the verdicts, the worst exit code and the summary counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exitCodeOf,
  failureOf,
  summarize,
  verdictOf,
  worstExitCode,
} from '../../../src/report/cluster.ts';
import {
  AuthenticationError,
  ConnectionError,
  ExitCode,
  ForbiddenError,
  KubeconfigError,
  NotInstalledError,
  TimeoutError,
  UnavailableError,
  UsageError,
} from '../../../src/errors.ts';
import { failing, forbidden, healthy, unreachable } from '../../support/fleet.ts';

test('each error a read can end with is one kind, its message kept', () => {
  const cases: [unknown, string][] = [
    [new ConnectionError('refused'), 'unreachable'],
    [new UnavailableError('503'), 'unreachable'],
    [new TimeoutError('no answer within 30s'), 'unreachable'],
    [new AuthenticationError('401'), 'unauthorized'],
    [new ForbiddenError('403', 'list', 'deployments'), 'forbidden'],
    [new NotInstalledError('no Antrea'), 'no-antrea'],
    [new KubeconfigError('no such context'), 'kubeconfig'],
    [new UsageError('odd'), 'error'],
    [new Error('boom'), 'error'],
  ];
  for (const [error, kind] of cases) {
    const failure = failureOf(error);
    assert.equal(failure.kind, kind, String(error));
    assert.equal(failure.message, (error as Error).message);
  }
});

test('verdicts: pass, fail, or the kind of failure; exit codes as verify gives them', () => {
  assert.equal(verdictOf(healthy), 'pass');
  assert.equal(verdictOf(failing), 'fail');
  assert.equal(verdictOf(unreachable), 'unreachable');
  assert.equal(verdictOf(forbidden), 'forbidden');
  assert.equal(exitCodeOf(healthy, false), ExitCode.ok);
  assert.equal(exitCodeOf(failing, false), ExitCode.checkFailed);
  assert.equal(exitCodeOf(unreachable, true), ExitCode.error);
});

test('the worst exit code: a failed check, then warnings, then a cluster not read, then 0', () => {
  const { ok, error, checkFailed, warnings } = ExitCode;
  const cases: [ExitCode[], ExitCode][] = [
    [[], ok],
    [[ok, ok], ok],
    [[ok, error], error],
    [[error, warnings], warnings],
    [[warnings, checkFailed, error], checkFailed],
    [[checkFailed, ok], checkFailed],
  ];
  for (const [codes, worst] of cases) assert.equal(worstExitCode(codes), worst, String(codes));
});

test('the summary counts each cluster once, by outcome', () => {
  assert.deepEqual(summarize([healthy, failing, unreachable, forbidden, healthy]), {
    clusters: 5,
    passed: 2,
    warnings: 0,
    failed: 1,
    unreachable: 1,
    notRead: 1,
  });
  assert.deepEqual(summarize([]), {
    clusters: 0,
    passed: 0,
    warnings: 0,
    failed: 0,
    unreachable: 0,
    notRead: 0,
  });
});
