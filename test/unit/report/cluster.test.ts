// One cluster of a fleet run (src/report/cluster.ts): which errors are which
// kind of failure, the verdicts, the worst exit code and the summary counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exitCodeOf,
  failureOf,
  summarize,
  verdictOf,
  type ClusterRead,
  type ReadFailure,
} from '../../../src/report/cluster.ts';
import {
  worstExitCode,
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
import { expiring, failing, forbidden, healthy, unreachable } from '../../support/fleet.ts';

const notRead = (kind: ReadFailure): ClusterRead => ({
  context: kind,
  error: { kind, message: `${kind} happened` },
});
const FAILURES: readonly ReadFailure[] = [
  'unreachable',
  'unauthorized',
  'forbidden',
  'no-antrea',
  'kubeconfig',
  'error',
];

test('each error a read can end with is one kind, its message kept', () => {
  const cases: [Error, ReadFailure][] = [
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
    assert.equal(failure.message, error.message);
  }
  // Whatever else is thrown is an error, in its own words.
  assert.deepEqual(failureOf('socket hang up'), { kind: 'error', message: 'socket hang up' });
});

test('verdicts: pass, warn, fail, or the kind of failure; exit codes as verify gives them', () => {
  assert.equal(verdictOf(healthy), 'pass');
  assert.equal(verdictOf(expiring), 'warn');
  assert.equal(verdictOf(failing), 'fail');
  assert.equal(verdictOf(unreachable), 'unreachable');
  assert.equal(verdictOf(forbidden), 'forbidden');
  assert.equal(exitCodeOf(healthy, false), ExitCode.ok);
  assert.equal(exitCodeOf(healthy, true), ExitCode.ok);
  assert.equal(exitCodeOf(failing, false), ExitCode.checkFailed);
  assert.equal(exitCodeOf(failing, true), ExitCode.checkFailed);
  assert.equal(exitCodeOf(unreachable, true), ExitCode.error);
});

test('warnings fail only with --strict', () => {
  assert.equal(exitCodeOf(expiring, false), ExitCode.ok);
  assert.equal(exitCodeOf(expiring, true), ExitCode.warnings);
});

test('a cluster not read is its failure kind as verdict and exits 1, strict or not', () => {
  for (const kind of FAILURES) {
    const read = notRead(kind);
    assert.equal(verdictOf(read), kind);
    assert.equal(exitCodeOf(read, false), ExitCode.error, kind);
    assert.equal(exitCodeOf(read, true), ExitCode.error, kind);
  }
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
  // 2 over 3 over 1 over 0, whatever order the clusters came in.
  const ranked = [checkFailed, warnings, error, ok];
  ranked.forEach((better, i) => {
    for (const lesser of ranked.slice(i + 1)) {
      assert.equal(worstExitCode([better, lesser]), better, `${better} over ${lesser}`);
      assert.equal(worstExitCode([lesser, better]), better, `${better} over ${lesser}`);
      assert.equal(worstExitCode([lesser, lesser, better, lesser]), better);
    }
  });
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

test('the summary: every kind but unreachable is "not read", a warning is its own count', () => {
  assert.deepEqual(summarize([expiring, healthy, ...FAILURES.map(notRead), notRead('error')]), {
    clusters: 9,
    passed: 1,
    warnings: 1,
    failed: 0,
    unreachable: 1,
    notRead: 6,
  });
});
