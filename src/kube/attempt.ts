// Running a read that may be refused or not served, into its Outcome.
import { ForbiddenError } from '../errors.ts';
import { isNotFound } from './errors.ts';
import { refusedOutcome, type Outcome } from './outcome.ts';

/** Runs a read; a 403 or a 404 becomes its Outcome, anything else is thrown. */
export async function attempt<T>(read: Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await read };
  } catch (error) {
    if (error instanceof ForbiddenError) return refusedOutcome(error);
    if (isNotFound(error)) return { notServed: true };
    throw error;
  }
}
