// rotate's closing table: the serving certificate and the CA, before and after.
import type { Certificate } from '../certs/certificate.ts';
import { alignColumns } from './table.ts';

/** The serving certificate and the CA on one side of a rotation; either may be unknown. */
export interface RotationSides {
  readonly serving?: Certificate;
  readonly ca?: Certificate;
}

const brief = (c: Certificate | undefined) =>
  c
    ? [c.info.serialNumber.slice(0, 16), c.info.sha256.slice(0, 16), c.info.notAfter.slice(0, 10)]
    : ['-', '-', '-'];

/**
 * A table of the serial, fingerprint and expiry of the serving certificate and CA before and after.
 */
export function renderRotation(before: RotationSides, after: RotationSides, width: number): string {
  return alignColumns(
    [
      ['', 'SERIAL', 'SHA-256', 'EXPIRES'],
      ['serving certificate, before', ...brief(before.serving)],
      ['serving certificate, after', ...brief(after.serving)],
      ['CA, before', ...brief(before.ca)],
      ['CA, after', ...brief(after.ca)],
    ],
    width,
  ).join('\n');
}
