// Durations as admins write them: 30d, 720h, 90m, 45s, 1h30m; a bare 0 means none.
import { UsageError } from './errors.ts';

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * Milliseconds from a duration such as 30d, 720h or 1h30m (a bare number is refused, except 0); a
 * UsageError names the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag} takes a duration like 30d, 720h or 90s, not "${text}"`);
  }
  return parts.reduce(
    (total, [, value, unit]) => total + Number(value) * (UNITS[unit ?? 's'] ?? 0),
    0,
  );
}

/** A short human form: 29d, 5h, 12m, 40s; negative durations read "-3d". */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  for (const [unit, size] of [
    ['d', UNITS.d],
    ['h', UNITS.h],
    ['m', UNITS.m],
  ] as const) {
    if (abs >= (size ?? 1)) return `${sign}${Math.floor(abs / (size ?? 1))}${unit}`;
  }
  return `${sign}${Math.floor(abs / 1000)}s`;
}

/** A duration in whole seconds, every unit it takes: 3m20s, 1h5m, 20s. */
export function formatDurationExact(ms: number): string {
  let left = Math.round(Math.abs(ms) / 1000) * 1000;
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNITS[unit] ?? 1;
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  if (left > 0 || parts.length === 0) parts.push(`${left / 1000}s`);
  return `${ms < 0 ? '-' : ''}${parts.join('')}`;
}

/** A time as ISO 8601 to the second (2026-12-06T18:00:00Z), as Kubernetes writes times. */
export const isoSeconds = (at: Date | string | number): string =>
  new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
