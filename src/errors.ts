// Typed errors, and the one place that decides exit codes: of an error, of a
// list of checks, and of several clusters.

/**
 * The plugin's exit codes; each means the same in every command (a change's closing checks fail
 * with 2, as verify does).
 */
export const ExitCode = {
  ok: 0,
  /** Could not do or check what was asked: usage, kubeconfig, cluster, RBAC, missing installation. */
  error: 1,
  /** verify: a check failed. */
  checkFailed: 2,
  /** verify --strict: warnings only. */
  warnings: 3,
  /**
   * The plugin's own failure: its work stopped without finishing and without an error (EX_SOFTWARE
   * of sysexits.h). A change says where it stands.
   */
  internal: 70,
  /** A wait ran out of time. */
  timeout: 124,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2, as a shell reports it. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;
/** One of the exit codes above. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is one sentence for the user: what is wrong and what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.error,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command line that cannot run as given: a wrong flag, value or combination of them. */
export class UsageError extends CliError {}
/**
 * A kubeconfig that cannot be used: missing files, an unknown context, cluster or user, no server.
 */
export class KubeconfigError extends CliError {}
/** The API server could not be reached, or the connection failed. */
export class ConnectionError extends CliError {}
/** The API server answered but could not serve the request now (429, 5xx): it may be starting or overloaded. */
export class UnavailableError extends CliError {}
/** The API server refused the credentials (401). */
export class AuthenticationError extends CliError {}
/** RBAC refused a request (403); it keeps the verb, resource and namespace that were refused. */
export class ForbiddenError extends CliError {
  constructor(
    message: string,
    readonly verb: string,
    readonly resource: string,
    readonly namespace?: string,
  ) {
    super(message);
  }
}
/**
 * A read this client was told never to send (the exporter's --read-secrets=false): it stands for a
 * refusal by design, so readers treat it as one, and no denied request reaches the API server.
 */
export class WithheldError extends ForbiddenError {}
/** No antrea-controller Deployment where the plugin looked. */
export class NotInstalledError extends CliError {}
/** Someone else changed the object between the plugin's read and its write (409). */
export class ConflictError extends CliError {}
/** An object that does not exist (404); callers that expect it absent catch this. */
export class NotFoundError extends CliError {}
/** 410 Gone: a watch asked for a resourceVersion the API server no longer keeps; list again. */
export class GoneError extends CliError {}
/** A wait ran out of time (exit 124, as timeout(1)). */
export class TimeoutError extends CliError {
  constructor(
    message: string,
    readonly waitingFor?: string,
    /** A controller Pod that cannot start, as the wait last saw it: it will not converge alone. */
    readonly cannotStart?: string,
  ) {
    super(message, ExitCode.timeout);
  }
}
/** A change stopped by SIGINT or SIGTERM; `waitingFor` when it stopped a wait. */
export class InterruptedError extends CliError {
  constructor(
    message: string,
    readonly signal: 'SIGINT' | 'SIGTERM',
    readonly waitingFor?: string,
  ) {
    super(message, signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
  }

  /** The same interruption, its message completed (e.g. with what was put back). */
  with(rest: string): InterruptedError {
    return new InterruptedError(`${this.message}${rest}`, this.signal, this.waitingFor);
  }
}
/**
 * Another run took the change's Lease over (--force-unlock, or this run's renewals stopped for
 * longer than the Lease lasts): this run stops at once and leaves the objects to it.
 */
export class LeaseLostError extends CliError {}
/** The user said no, or a change needs --yes. */
export class AbortedError extends CliError {}
/** A kubeconfig's credentials cannot be had: an exec plugin that fails, a client key file missing. */
export class CredentialError extends CliError {}
/** Input files (certificates, keys) that cannot be used. */
export class InputError extends CliError {}

/** The exit code of whatever was thrown: a CliError's own, 1 for anything else. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof CliError ? error.exitCode : ExitCode.error;
}

/** How many checks failed and warned, as a verify or audit report counts them. */
interface CheckCounts {
  readonly summary: { readonly failed: number; readonly warnings: number };
}

/** The exit code of a list of checks: 2 for a failed check, 3 for warnings with --strict, else 0. */
export function exitCodeForChecks({ summary }: CheckCounts, strict: boolean): ExitCode {
  if (summary.failed > 0) return ExitCode.checkFailed;
  if (strict && summary.warnings > 0) return ExitCode.warnings;
  return ExitCode.ok;
}

/** The worst of several exit codes: a failed check over warnings over a cluster not read. */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  const rank: readonly ExitCode[] = [ExitCode.checkFailed, ExitCode.warnings, ExitCode.error];
  return rank.find((code) => codes.includes(code)) ?? ExitCode.ok;
}

/** The line printed for an error: its own sentence, or a generic one for a bug (the stack only when verbose). */
export function messageFor(error: unknown, verbose: boolean): string {
  if (error instanceof CliError) return `error: ${error.message}`;
  const detail =
    error instanceof Error ? (verbose && error.stack ? error.stack : error.message) : String(error);
  return `error: unexpected failure: ${detail}${verbose ? '' : ' (run with -v for details)'}`;
}

/** The message of anything thrown. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The system error code of a failed file or network call (ENOENT, ECONNREFUSED, ...). */
export const errorCode = (error: unknown): string | undefined => {
  const code: unknown = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
};
