// A read that audit and status --all can do without: its value, or that RBAC
// refused it (a 403, said in the report), or that the API is not served (404).
import { WithheldError, type ForbiddenError } from '../errors.ts';

/**
 * What an optional read gave: the value, the refusal's sentence (withheld: never sent, by the
 * client's settings), or that nothing serves it.
 */
export type Outcome<T> =
  | { readonly value: T }
  | { readonly refused: string; readonly withheld?: true }
  | { readonly notServed: true };

/** A refusal as an outcome: withheld when the client never sent the request. */
export const refusedOutcome = (error: ForbiddenError): { refused: string; withheld?: true } => ({
  refused: error.message,
  ...(error instanceof WithheldError ? { withheld: true as const } : {}),
});

/** The value of an outcome, or undefined when it was refused or is not served. */
export const valueOf = <T>(outcome: Outcome<T>): T | undefined =>
  'value' in outcome ? outcome.value : undefined;
