// One check, as verify and audit report it: what was checked, its outcome,
// its sentence and a hint. Every renderer and exporter reads this shape.

/**
 * The outcome of a check; a fail makes verify exit 2, a warn exit 3 with --strict. A skip is a
 * check not run by choice (what it needs is not read by design): it never changes the exit code.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One check: its outcome, its sentence, and a hint on what to do when it did not pass. */
export interface Check {
  /** Stable across runs: what is checked, and on which object (the metrics' check label). */
  readonly id: string;
  readonly status: CheckStatus;
  readonly message: string;
  readonly hint?: string;
  /** The object the check is about, e.g. "APIService/v1beta2.controlplane.antrea.io". */
  readonly object?: string;
  /** Lines to copy that go with the hint (e.g. a configuration snippet), shown under it. */
  readonly detail?: readonly string[];
}

/** How many checks passed, warned or failed. */
export interface CheckSummary {
  readonly passed: number;
  readonly warnings: number;
  readonly failed: number;
  readonly skipped: number;
}

/** The counts of a list of checks. */
export const summaryOf = (checks: readonly Check[]): CheckSummary => ({
  passed: checks.filter((c) => c.status === 'pass').length,
  warnings: checks.filter((c) => c.status === 'warn').length,
  failed: checks.filter((c) => c.status === 'fail').length,
  skipped: checks.filter((c) => c.status === 'skip').length,
});

/** A check; the hint and the object only when given. */
export const check = (
  id: string,
  status: CheckStatus,
  message: string,
  hint?: string,
  object?: string,
): Check => ({ id, status, message, ...(hint ? { hint } : {}), ...(object ? { object } : {}) });
