// Colours and check marks. Colour only on a terminal, never with --no-color or NO_COLOR.
import stringWidth from 'string-width';
/** Colours of text output: for what passed, warned or failed, and for headings and muted text. */
export interface Style {
  readonly ok: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly bad: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

/** ANSI colours, or a style that leaves text as it is. */
export function createStyle(color: boolean): Style {
  if (!color) return { ok: plain, warn: plain, bad: plain, bold: plain, dim: plain };
  return {
    ok: wrap(32, 39),
    warn: wrap(33, 39),
    bad: wrap(31, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

/**
 * Colour only when --color is on, the stream is a terminal, NO_COLOR is unset or empty, and TERM is
 * not dumb.
 */
export function colorEnabled(
  flag: boolean,
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): boolean {
  return (
    flag &&
    Boolean(stream.isTTY) &&
    !('NO_COLOR' in env && env.NO_COLOR !== '') &&
    env.TERM !== 'dumb'
  );
}

/** How text output is laid out: colours, the width of tables, and -o wide. */
export interface TextOptions {
  readonly style: Style;
  /** The width tables fit: the terminal's; unlimited in a pipe, a file or with -o wide. */
  readonly width: number;
  readonly wide: boolean;
  /** Output goes to a terminal; elsewhere (a pipe, a CI log) free text is never shortened. */
  readonly terminal?: boolean;
}

/** Tables are cut to a terminal's width only: never in a pipe, a file or with -o wide. */
export const tableWidth = (out: { terminal: boolean; wide: boolean; columns?: number }) =>
  out.terminal && !out.wide ? (out.columns ?? 80) : Number.MAX_SAFE_INTEGER;

/** The marks of a check's outcome, the same in every output. */
export const STATUS_MARKS = { pass: '✔', warn: '‼', fail: '×', skip: '–' } as const;

// eslint-disable-next-line no-control-regex -- matching the colour codes this module writes
const ANSI = /\u001b\[\d+m/g;
/** The text without the colour codes this module writes. */
export const stripAnsi = (s: string) => s.replace(ANSI, '');
/**
 * The columns a terminal gives the text, without colour codes: wide East Asian characters and emoji
 * take two, combining marks none (string-width).
 */
export const visibleLength = (s: string) => {
  const plain = stripAnsi(s);
  // ASCII and the marks this plugin prints take one column each; only other text needs the real
  // measure, whose Unicode tables cost about 35 ms to load.
  return NARROW.test(plain) ? plain.length : stringWidth(plain);
};
const NARROW = /^[\x20-\x7e\u2714\u203c\u00d7\u2026\u2192\u2014\u2013\u00b7]*$/;
