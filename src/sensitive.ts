// A value that must never be printed: private keys. It renders as [redacted]
// in JSON, string conversion and util.inspect, so a stray log line cannot leak it.
import { inspect } from 'node:util';

/**
 * A private key, or anything else that must not be printed; reveal() is the only way to its text.
 */
export class Sensitive {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}
