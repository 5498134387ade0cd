// What one cluster of a run gave: its status and verify reports, or why it
// could not be read, in words and as a kind scripts and alerts can rely on.
import {
  AuthenticationError,
  ConnectionError,
  CredentialError,
  ExitCode,
  ForbiddenError,
  KubeconfigError,
  NotInstalledError,
  TimeoutError,
  UnavailableError,
  exitCodeForChecks,
  messageOf,
} from '../errors.ts';
import type { VerifyReport } from './verify/verify.ts';
import type { StatusReport } from './status.ts';

/**
 * Why a cluster could not be read, as a word that scripts, alerts and the read_error metric can
 * match on.
 */
export type ReadFailure =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'no-antrea'
  | 'kubeconfig'
  | 'credentials'
  | 'error';

/** One cluster of a run: its status and verify reports, or why it could not be read. */
export type ClusterRead =
  | {
      readonly context: string;
      readonly status: StatusReport;
      readonly verify: VerifyReport;
    }
  | {
      readonly context: string;
      readonly error: { readonly kind: ReadFailure; readonly message: string };
    };

/** A cluster's outcome in the fleet table: the verify result, or the reason it was not read. */
export type Verdict = 'pass' | 'warn' | 'fail' | ReadFailure;

/**
 * Sorts an error into its ReadFailure kind, keeping its message; a TimeoutError counts as
 * unreachable.
 */
export function failureOf(error: unknown): { kind: ReadFailure; message: string } {
  const message = messageOf(error);
  if (error instanceof ConnectionError || error instanceof UnavailableError) {
    return { kind: 'unreachable', message };
  }
  if (error instanceof TimeoutError) return { kind: 'unreachable', message };
  if (error instanceof AuthenticationError) return { kind: 'unauthorized', message };
  if (error instanceof ForbiddenError) return { kind: 'forbidden', message };
  if (error instanceof NotInstalledError) return { kind: 'no-antrea', message };
  if (error instanceof KubeconfigError) return { kind: 'kubeconfig', message };
  if (error instanceof CredentialError) return { kind: 'credentials', message };
  return { kind: 'error', message };
}

/** ✔, ‼ or ×: the verify verdict of a cluster that was read, else why it was not. */
export function verdictOf(read: ClusterRead): Verdict {
  if ('error' in read) return read.error.kind;
  const { failed, warnings } = read.verify.summary;
  return failed > 0 ? 'fail' : warnings > 0 ? 'warn' : 'pass';
}

/** The exit code verify gives this cluster alone. */
export const exitCodeOf = (read: ClusterRead, strict: boolean): ExitCode =>
  'error' in read ? ExitCode.error : exitCodeForChecks(read.verify, strict);

/** The counts of the clusters of a run, by outcome. */
export interface FleetSummary {
  readonly clusters: number;
  readonly passed: number;
  readonly warnings: number;
  readonly failed: number;
  readonly unreachable: number;
  /** Read but refused, without Antrea, or misconfigured. */
  readonly notRead: number;
}

/** Counts the clusters by verdict. */
export function summarize(reads: readonly ClusterRead[]): FleetSummary {
  const verdicts = reads.map(verdictOf);
  const count = (...kinds: Verdict[]) => verdicts.filter((v) => kinds.includes(v)).length;
  return {
    clusters: reads.length,
    passed: count('pass'),
    warnings: count('warn'),
    failed: count('fail'),
    unreachable: count('unreachable'),
    notRead: count('unauthorized', 'forbidden', 'no-antrea', 'kubeconfig', 'credentials', 'error'),
  };
}
