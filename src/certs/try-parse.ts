// Parsing certificates where a failure is a finding to report, not a crash.
import { parseCertificates, type Certificate } from './certificate.ts';
import { CliError } from '../errors.ts';

export interface Parsed {
  readonly certs: Certificate[];
  /** Why nothing could be parsed: empty, or the parser's sentence. */
  readonly error?: string;
}

export function tryParse(pem: string | undefined, source: string): Parsed {
  if (!pem || pem.trim() === '') return { certs: [], error: `${source} is empty` };
  try {
    return { certs: parseCertificates(pem, source) };
  } catch (error) {
    return { certs: [], error: error instanceof CliError ? error.message : String(error) };
  }
}
