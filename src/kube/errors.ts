// Turning API and network failures into one sentence that says what failed
// and what to do.
import { terminalSafe } from '../terminal-safe.ts';
import { StatusError } from './http.ts';
import { OUT_OF_VALIDITY, type Validity } from './tls-peer.ts';
import {
  AuthenticationError,
  ConnectionError,
  ForbiddenError,
  CliError,
  NotFoundError,
  GoneError,
  ConflictError,
  UnavailableError,
  errorCode,
} from '../errors.ts';
import { isoSeconds } from '../duration.ts';

/**
 * What a request asked for, for the sentence that says what was refused and for kubectl's RBAC
 * terms in it.
 */
export interface RequestDescription {
  readonly verb: 'get' | 'list' | 'create' | 'update' | 'delete' | 'patch' | 'watch';
  /** Plural resource, e.g. "configmaps" or "apiservices.apiregistration.k8s.io". */
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** The API server a request went to, for messages. */
export interface Target {
  readonly server: string;
  readonly contextName: string;
  /** The client certificate the kubeconfig user authenticates with, read when a 401 needs it. */
  clientCertificate?(): Validity | undefined;
}

/** The server's certificate does not chain to the CA the kubeconfig trusts. */
const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);
const TLS_CODES = new Set(['CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'CERT_UNTRUSTED']);

/** No such object: a 404, translated or not yet. */
export const isNotFound = (error: unknown) =>
  error instanceof NotFoundError || (error instanceof StatusError && error.status === 404);
/**
 * Someone else changed the object since it was read: a 409, translated or not yet; a change then
 * re-plans.
 */
export const isConflict = (error: unknown) =>
  error instanceof ConflictError || (error instanceof StatusError && error.status === 409);
/** A watch's resourceVersion is gone from the API server's window: the collection is listed again. */
export const isGone = (error: unknown) =>
  error instanceof GoneError || (error instanceof StatusError && error.status === 410);
/**
 * How long a 403 for reads that were allowed before is taken as passing: an API server that has
 * just started answers 403 until its RBAC caches fill (2 of 4 restarts of the testbed's).
 */
export const PASSING_REFUSAL_MS = 15_000;
/** A failure that may pass by itself: no answer from the API server, or an answer that it cannot serve now. */
export const isTransient = (error: unknown) =>
  error instanceof ConnectionError || error instanceof UnavailableError;

/** "get secrets/antrea-controller-tls in namespace kube-system": a request in a message. */
export function describeRequest(what: RequestDescription): string {
  const object = what.name ? `${what.resource}/${what.name}` : what.resource;
  return `${what.verb} ${object}${what.namespace ? ` in namespace ${what.namespace}` : ''}`;
}

/** An answer that is not 2xx, as one sentence. */
function translateStatus(error: StatusError, what: RequestDescription, target: Target): CliError {
  const code = error.status;
  const cert = code === 401 ? target.clientCertificate?.() : undefined;
  if (cert) return refusedClientCertificate(cert, target);
  if (code === 401) {
    return new AuthenticationError(
      `the API server at ${target.server} did not accept the credentials of context ` +
        `"${target.contextName}" (401 Unauthorized); ` +
        'renew the token or client certificate in your kubeconfig.',
    );
  }
  if (code === 403) {
    const scope = what.namespace ? ` in namespace ${what.namespace}` : '';
    // No credentials it accepts: RBAC is not the cause, the kubeconfig is.
    if (/User "system:anonymous"/.test(error.serverMessage ?? ''))
      return new ForbiddenError(
        `the API server at ${target.server} took context "${target.contextName}" as anonymous ` +
          `(system:anonymous), so it may not ${what.verb} ${what.resource}${scope} (403 Forbidden); ` +
          'give its kubeconfig user a token, a client certificate or an exec credential plugin.',
        what.verb,
        what.resource,
        what.namespace,
      );
    return new ForbiddenError(
      `you are not allowed to ${what.verb} ${what.resource}${scope} (403 Forbidden); ` +
        'ask for that RBAC permission (README lists what each command needs).',
      what.verb,
      what.resource,
      what.namespace,
    );
  }
  // What the API server says is data (a webhook's or an aggregated server's words among it).
  const message = error.serverMessage === undefined ? undefined : terminalSafe(error.serverMessage);
  const detail = message ? `: ${message}` : '';
  const request = describeRequest(what);
  if (code === 409) {
    return new ConflictError(
      `${request} conflicted with another change (409 Conflict); ` +
        'nothing was overwritten: run the command again to re-check.',
    );
  }
  if (code === 410)
    return new GoneError(`${request}: the resourceVersion is no longer kept (410${detail}).`);
  if (code === 404)
    return new NotFoundError(`${request}: not found${message ? ` (${message})` : ''}.`);
  if (code === 429 || code >= 500) {
    return new UnavailableError(
      `the API server could not serve ${request} now (${code}${detail}); try again in a moment.`,
    );
  }
  return new CliError(`the API server answered ${code} to ${request}${detail}.`);
}

/** A 401 to a user who authenticates with a client certificate: expired, or not the cluster's. */
function refusedClientCertificate(cert: Validity, target: Target): AuthenticationError {
  const user = `the client certificate of context "${target.contextName}" (${cert.subject})`;
  const now = Date.now();
  if (now > Date.parse(cert.notAfter) || now < Date.parse(cert.notBefore)) {
    const when =
      now > Date.parse(cert.notAfter)
        ? `expired at ${cert.notAfter}`
        : `is valid only from ${cert.notBefore}`;
    return new AuthenticationError(
      `the API server at ${target.server} refused ${user}: it ${when} (401 Unauthorized); ` +
        'renew it, or get a new kubeconfig for this cluster.',
    );
  }
  return new AuthenticationError(
    `the API server at ${target.server} refused ${user}, valid until ${cert.notAfter} (401 Unauthorized): ` +
      'it is not signed by a CA the cluster trusts for clients; get a kubeconfig made for this cluster.',
  );
}

/** No answer at all: a timeout, a TLS failure, or no connection. */
function translateNetwork(error: Error, what: RequestDescription, target: Target): Error {
  const code = errorCode(error);
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return new ConnectionError(
      `the request to ${target.server} (${describeRequest(what)}) timed out; ` +
        'raise --request-timeout or check the connection.',
    );
  }
  if (code === 'ECONNCLOSED') {
    return new ConnectionError(
      `${error.message} (${describeRequest(what)} to ${target.server}); ` +
        'the API server may have restarted: check that it is up, then run the command again.',
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // As kubectl says it: the names the certificate holds, and the one asked for.
    const { host, cert } = error as { host?: string; cert?: { subjectaltname?: string } };
    const names = (cert?.subjectaltname ?? '')
      .split(', ')
      .map((name) => name.replace(/^(DNS|IP Address):/, ''))
      .filter(Boolean);
    return new ConnectionError(
      `the API server's certificate at ${target.server} is valid for ` +
        `${names.join(', ') || 'no name'}, not ${host ?? 'the name asked for'}; ` +
        'check tls-server-name in your kubeconfig or --tls-server-name, and the server address.',
    );
  }
  if (code && UNKNOWN_AUTHORITY.has(code)) {
    // kubectl: "x509: certificate signed by unknown authority".
    return new ConnectionError(
      `the API server's certificate at ${target.server} is signed by an unknown authority (${code}); ` +
        'check certificate-authority in your kubeconfig or --certificate-authority.',
    );
  }
  if (code && OUT_OF_VALIDITY.has(code)) {
    // kubectl: "x509: certificate has expired or is not yet valid: current time … is after …".
    const validity = (error as { validity?: Validity }).validity;
    const dates = validity
      ? `: it is valid from ${validity.notBefore} until ${validity.notAfter}, ` +
        `and the time here is ${isoSeconds(Date.now())}`
      : ` (${code})`;
    return new ConnectionError(
      `the API server's certificate at ${target.server} has expired or is not yet valid${dates}; ` +
        "renew the API server's certificate, or set this machine's clock right.",
    );
  }
  if (code && TLS_CODES.has(code)) {
    return new ConnectionError(
      `the API server's certificate at ${target.server} was not accepted (${code}); ` +
        'check certificate-authority in your kubeconfig or --certificate-authority.',
    );
  }
  if (code) {
    return new ConnectionError(
      `cannot reach the API server at ${target.server} (${code}); ` +
        `check that the cluster is up and that context "${target.contextName}" points at it.`,
    );
  }
  return error;
}

/**
 * A failure as one typed sentence: an API answer by its status, a network failure by its code; a
 * CliError is already one and passes through.
 */
export function translate(error: unknown, what: RequestDescription, target: Target): Error {
  if (error instanceof CliError) return error;
  if (error instanceof StatusError) return translateStatus(error, what, target);
  if (error instanceof Error) return translateNetwork(error, what, target);
  return new Error(String(error));
}
