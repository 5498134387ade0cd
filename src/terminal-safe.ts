// Text from the cluster, a kubeconfig or a certificate is data: before it
// reaches a terminal its control characters are escaped, as kubectl does since
// CVE-2021-25743. C0 and C1 controls (ESC, CR, newline, tab), DEL, and the
// Unicode marks that reorder or split lines (bidi overrides and isolates, line
// and paragraph separators) become visible escapes such as \x1b and \u202e, so
// a subject cannot clear the screen, set the title, hide text or forge a line.

const UNSAFE =
  // eslint-disable-next-line no-control-regex -- these are what it escapes
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escape = (c: string) => {
  const code = c.charCodeAt(0);
  return (
    NAMED[c] ??
    (code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`)
  );
};

/** The text with every control and line-breaking or reordering mark escaped. */
export const terminalSafe = (text: string): string => text.replace(UNSAFE, escape);

/**
 * A report with every string in it made terminal-safe, for a text renderer (data output keeps the
 * values: JSON and YAML escape them by their own rules).
 */
export function terminalSafeDeep<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => terminalSafeDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalSafeDeep(v)])) as T;
  }
  return value;
}

// The codes render/style.ts writes (green, yellow, red, bold, dim and their ends), kept; any
// other (concealed text, a cursor move) is data.
// eslint-disable-next-line no-control-regex -- the colour codes the style writes, kept
const OWN_COLOUR = /(\u001b\[(?:32|33|31|39|1|2|22)m)/;

/**
 * A note for stderr, which may be several lines and carry the style's colours: everything else
 * that terminalSafe escapes is escaped in each line.
 */
export const terminalSafeNote = (note: string): string =>
  note
    .split('\n')
    .map((line) =>
      line
        .split(OWN_COLOUR)
        .map((part, i) => (i % 2 === 1 ? part : terminalSafe(part)))
        .join(''),
    )
    .join('\n');
