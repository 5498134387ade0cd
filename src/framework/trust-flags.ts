// --trust-namespace, of audit and of the exporter's --audit: namespaces whose
// Pods may reach Antrea's files.
import type { FlagTable } from './flag-table.ts';

/** --trust-namespace, repeatable and comma-separated; `when` says when it applies, if not always. */
export const trustFlag = (when?: string) =>
  ({
    'trust-namespace': {
      type: 'string',
      array: true,
      default: [] as string[],
      complete: 'namespace',
      describe:
        `${when ? `${when}: a` : 'A'} namespace whose Pods may reach Antrea's files (repeatable); ` +
        "Antrea's own Pods always may",
    },
  }) as const satisfies FlagTable;

/** The namespaces given, each occurrence split at commas. */
export const trustedNamespacesFrom = (values: readonly unknown[]): string[] =>
  values.flatMap((n) => String(n).split(',')).filter(Boolean);
