// One certificate as every report shows it: its details, and how long it has
// left in words and in seconds.
import type { Certificate, CertificateInfo } from '../certs/certificate.ts';
import { formatDuration } from '../duration.ts';

/** A certificate's details, and how long it has left in words and in seconds. */
export interface CertificateReport extends CertificateInfo {
  readonly expiresIn: string;
  readonly expiresInSeconds: number;
}

/** A certificate for a report, with the time left measured from `now`. */
export function certificateReport(cert: Certificate, now: Date): CertificateReport {
  const left = cert.notAfter.getTime() - now.getTime();
  return {
    ...cert.info,
    expiresIn: left > 0 ? formatDuration(left) : `expired ${formatDuration(-left)} ago`,
    expiresInSeconds: Math.floor(left / 1000),
  };
}
