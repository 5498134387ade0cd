// Aligned columns that fit a width: the widest column is shortened with an ellipsis.
import { visibleLength, stripAnsi } from './style.ts';

/**
 * Rows as aligned lines of at most `maxWidth` columns; columns wider than eight shrink, the widest
 * first.
 */
export function alignColumns(
  rows: readonly (readonly string[])[],
  maxWidth: number,
  gap = 2,
): string[] {
  if (rows.length === 0) return [];
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (columns - 1);
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 8) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const fitted = visibleLength(cell) > width ? truncate(cell, width) : cell;
        return i === row.length - 1
          ? fitted
          : fitted + ' '.repeat(width - visibleLength(fitted) + gap);
      })
      .join('')
      .trimEnd(),
  );
}

let graphemes: Intl.Segmenter | undefined;

/** The cell cut to `width` columns with an ellipsis, never inside a character or cluster. */
function truncate(cell: string, width: number): string {
  let out = '';
  let used = 0;
  // Made at the first cut: ICU's break rules cost milliseconds to load.
  graphemes ??= new Intl.Segmenter();
  for (const { segment } of graphemes.segment(stripAnsi(cell))) {
    const w = visibleLength(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}
