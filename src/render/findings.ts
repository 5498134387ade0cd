// Preflight findings as lines: × for what stops the change, ‼ for warnings.
import type { Finding } from '../certs/preflight.ts';
import type { Style } from './style.ts';
import { terminalSafe } from '../terminal-safe.ts';

/** One indented line per finding, × for an error and ‼ for a warning, as notes on stderr. */
export const findingLines = (findings: readonly Finding[], style: Style): string[] =>
  findings.map(
    (f) =>
      `  ${f.severity === 'error' ? style.bad('×') : style.warn('‼')} ${terminalSafe(f.message)}`,
  );
