// A read that audit and status --all can do without: its value, or that RBAC
// refused it (a 403, said in the report), or that the API is not served (404).

/** What an optional read gave: the value, the refusal's sentence, or that nothing serves it. */
export type Outcome<T> =
  { readonly value: T } | { readonly refused: string } | { readonly notServed: true };

/** The value of an outcome, or undefined when it was refused or is not served. */
export const valueOf = <T>(outcome: Outcome<T>): T | undefined =>
  'value' in outcome ? outcome.value : undefined;
