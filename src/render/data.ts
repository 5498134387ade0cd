// Machine-readable output: JSON and YAML of the same report object.
import * as yaml from 'js-yaml';

/**
 * A report as JSON or YAML, through JSON first: undefined fields drop out and Sensitive values read
 * [redacted] in both.
 */
export function renderData(value: unknown, format: 'json' | 'yaml'): string {
  const plain = JSON.parse(JSON.stringify(value)) as unknown;
  return format === 'json'
    ? `${JSON.stringify(plain, null, 2)}\n`
    : yaml.dump(plain, { lineWidth: -1, noRefs: true });
}
