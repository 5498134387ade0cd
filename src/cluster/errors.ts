// Turning API and network failures into one sentence that says what failed
// and what to do.
import { ApiException } from '@kubernetes/client-node';
import {
  AuthenticationError,
  ConnectionError,
  ForbiddenError,
  CliError,
  NotFoundError,
  ConflictError,
  UnavailableError,
} from '../errors.ts';

export interface RequestDescription {
  readonly verb: 'get' | 'list' | 'create' | 'update' | 'delete' | 'patch' | 'watch';
  /** Plural resource, e.g. "configmaps" or "apiservices.apiregistration.k8s.io". */
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
}

interface Target {
  readonly server: string;
  readonly contextName: string;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

export const statusOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? error.code : undefined;
export const isNotFound = (error: unknown) =>
  error instanceof NotFoundError || statusOf(error) === 404;
export const isConflict = (error: unknown) =>
  error instanceof ConflictError || statusOf(error) === 409;
/** A failure that may pass by itself: no answer from the API server, or an answer that it cannot serve now. */
export const isTransient = (error: unknown) =>
  error instanceof ConnectionError || error instanceof UnavailableError;

export function describeRequest(what: RequestDescription): string {
  const object = what.name ? `${what.resource}/${what.name}` : what.resource;
  return `${what.verb} ${object}${what.namespace ? ` in namespace ${what.namespace}` : ''}`;
}

function serverMessage(error: ApiException<unknown>): string {
  const body = error.body;
  if (typeof body === 'object' && body !== null && 'message' in body)
    return String((body as { message: unknown }).message);
  if (typeof body === 'string') {
    try {
      return String((JSON.parse(body) as { message?: string }).message ?? '');
    } catch {
      return '';
    }
  }
  return '';
}

export function translate(error: unknown, what: RequestDescription, target: Target): Error {
  if (error instanceof CliError) return error;
  if (error instanceof ApiException) {
    if (error.code === 401) {
      return new AuthenticationError(
        `the API server at ${target.server} did not accept the credentials of context "${target.contextName}" (401 Unauthorized); renew the token or client certificate in your kubeconfig.`,
      );
    }
    if (error.code === 403) {
      const scope = what.namespace ? ` in namespace ${what.namespace}` : '';
      return new ForbiddenError(
        `you are not allowed to ${what.verb} ${what.resource}${scope} (403 Forbidden); ask for that RBAC permission (README lists what each command needs).`,
        what.verb,
        what.resource,
        what.namespace,
      );
    }
    const message = serverMessage(error);
    if (error.code === 409)
      return new ConflictError(
        `${describeRequest(what)} conflicted with another change (409 Conflict); nothing was overwritten: run the command again to re-check.`,
      );
    if (error.code === 404)
      return new NotFoundError(
        `${describeRequest(what)}: not found${message ? ` (${message})` : ''}.`,
      );
    if (error.code === 429 || error.code >= 500) {
      return new UnavailableError(
        `the API server could not serve ${describeRequest(what)} now (${error.code}${message ? `: ${message}` : ''}); try again in a moment.`,
      );
    }
    return new CliError(
      `the API server answered ${error.code} to ${describeRequest(what)}${message ? `: ${message}` : ''}.`,
    );
  }
  const err = error as { name?: string; code?: string; message?: string; type?: string };
  if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.type === 'aborted') {
    return new ConnectionError(
      `the request to ${target.server} (${describeRequest(what)}) timed out; raise --request-timeout or check the connection.`,
    );
  }
  const code = err.code ?? /reason: .*?([A-Z_]{5,})/.exec(err.message ?? '')?.[1];
  if (code && TLS_CODES.has(code)) {
    return new ConnectionError(
      `the API server's certificate at ${target.server} was not accepted (${code}); check certificate-authority in your kubeconfig or --certificate-authority.`,
    );
  }
  if (code || err.type === 'system' || /request to .* failed/.test(err.message ?? '')) {
    return new ConnectionError(
      `cannot reach the API server at ${target.server}${code ? ` (${code})` : ''}; check that the cluster is up and that context "${target.contextName}" points at it.`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
