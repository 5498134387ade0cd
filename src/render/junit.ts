// verify and audit as JUnit XML for CI test reporters (GitLab, Jenkins,
// GitHub test-report actions): one <testsuite> per cluster, one <testcase>
// per check named by its stable id. A failed check is a <failure>; a warning
// is a failure only when it fails the run (--strict), else a passing
// testcase that says so in <system-out> - JUnit has no warning, and CI gates
// on the exit code, which this mirrors. A check not run by choice is
// <skipped>. A cluster that could not be read is one <testcase> with an
// <error>.
import type { Check } from '../report/check.ts';
import { terminalSafe } from '../terminal-safe.ts';

/** One cluster's checks, or why it could not be read. */
export interface JunitSuite {
  /** The kubeconfig context (or cluster label). */
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly checks: readonly Check[];
  readonly error?: { readonly kind: string; readonly message: string };
}

/** The suite of one cluster whose checks ran: its name and the namespace they checked. */
export const checkedSuite = (
  name: string,
  report: { readonly namespace: string; readonly checks: readonly Check[] },
): JunitSuite => ({ name, properties: { namespace: report.namespace }, checks: report.checks });

/** The document: `command` names the run (verify, audit); `warningsFail` under --strict. */
export function renderJunit(
  command: string,
  suites: readonly JunitSuite[],
  options: { readonly warningsFail: boolean; readonly timestamp: Date },
): string {
  const rendered = suites.map((suite) => renderSuite(command, suite, options));
  const total = (key: 'tests' | 'failures' | 'errors') =>
    rendered.reduce((sum, s) => sum + s.counts[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kubectl antrea-certs ${command}" tests="${total('tests')}" ` +
      `failures="${total('failures')}" errors="${total('errors')}" time="0">`,
    ...rendered.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

function renderSuite(
  command: string,
  suite: JunitSuite,
  options: { readonly warningsFail: boolean; readonly timestamp: Date },
) {
  const classname = `antrea-certs.${command}`;
  const cases = suite.error
    ? [
        `    <testcase name="read" classname="${attr(classname)}">`,
        `      <error type="${attr(suite.error.kind)}" message="${attr(suite.error.message)}"/>`,
        '    </testcase>',
      ]
    : suite.checks.flatMap((check) => testcase(classname, check, options.warningsFail));
  const failing = (c: Check) =>
    c.status === 'fail' || (c.status === 'warn' && options.warningsFail);
  const counts = {
    tests: suite.error ? 1 : suite.checks.length,
    failures: suite.error ? 0 : suite.checks.filter(failing).length,
    errors: suite.error ? 1 : 0,
    skipped: suite.error ? 0 : suite.checks.filter((c) => c.status === 'skip').length,
  };
  const properties = Object.entries(suite.properties).map(
    ([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`,
  );
  return {
    counts,
    lines: [
      `  <testsuite name="${attr(suite.name)}" tests="${counts.tests}" failures="${counts.failures}" ` +
        `errors="${counts.errors}" skipped="${counts.skipped}" time="0" ` +
        `timestamp="${options.timestamp.toISOString().slice(0, 19)}">`,
      ...(properties.length ? ['    <properties>', ...properties, '    </properties>'] : []),
      ...cases,
      '  </testsuite>',
    ],
  };
}

function testcase(classname: string, check: Check, warningsFail: boolean): string[] {
  const open = `    <testcase name="${attr(check.id)}" classname="${attr(classname)}">`;
  const body = [
    check.message,
    ...(check.hint ? [`hint: ${check.hint}`] : []),
    ...(check.detail ?? []),
  ];
  if (check.status === 'pass') return [`${open}</testcase>`];
  if (check.status === 'skip')
    return [open, `      <skipped message="${attr(check.message)}"/>`, '    </testcase>'];
  if (check.status === 'warn' && !warningsFail)
    return [
      open,
      `      <system-out>${text(['warning:', ...body].join('\n'))}</system-out>`,
      '    </testcase>',
    ];
  return [
    open,
    `      <failure type="${check.status}" message="${attr(check.message)}">${text(body.join('\n'))}</failure>`,
    '    </testcase>',
  ];
}

/** XML 1.0 cannot hold most control characters even as references: they become visible escapes. */
const xmlSafe = (value: string) =>
  value
    .split('\n')
    .map((line) => terminalSafe(line))
    .join('\n');

const text = (value: string) =>
  xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const attr = (value: string) => text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
