// A configuration change as a unified diff (jsdiff), for a change's plan.
import { structuredPatch } from 'diff';

/** The hunks between `before` and `after` as unified-diff lines, headed by --- and +++; none when equal. */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { readonly before: string; readonly after: string },
): string[] {
  if (before === after) return [];
  const patch = structuredPatch(labels.before, labels.after, before, after, '', '', { context: 2 });
  return [
    `--- ${labels.before}`,
    `+++ ${labels.after}`,
    ...patch.hunks.flatMap((h) => [
      `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
      ...h.lines,
    ]),
  ];
}
