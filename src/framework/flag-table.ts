// What a flag and a positional are, as yargs takes them plus what completes
// their values; the flag tables of the commands and of framework/ are made of them.
import type { Options, PositionalOptions } from 'yargs';

/** How shell completion fills in a value (choices come from the flag itself). */
export type ValueSource = 'file' | 'directory' | 'context' | 'namespace';

/** A flag as yargs takes it, plus what completes its value. */
export interface Flag extends Options {
  readonly complete?: ValueSource;
  /** Values completion offers for a string flag that takes other values too. */
  readonly suggest?: readonly string[];
}

/** A positional; demandOption makes it `<name>` in the usage line, otherwise `[name]`. */
export interface Positional extends PositionalOptions {
  readonly complete?: ValueSource;
}

/**
 * A command's flags by name; each table is declared `as const satisfies FlagTable` so that yargs
 * infers the parsed types.
 */
export type FlagTable = Readonly<Record<string, Flag>>;
/** A command's positionals by name, in the order of the usage line. */
export type PositionalTable = Readonly<Record<string, Positional>>;
