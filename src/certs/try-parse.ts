// Parsing certificates where a failure is a finding to report, not a crash.
import { parseCertificates, type Certificate } from './certificate.ts';
import { CliError } from '../errors.ts';

/** The certificates of a PEM bundle, or why there are none. */
export interface Parsed {
  readonly certs: Certificate[];
  /** Why nothing could be parsed: empty, or the parser's sentence. */
  readonly error?: string;
}

/**
 * Parses a bundle read from the cluster; `source` names it in the error, as in "ConfigMap
 * antrea-ca".
 */
export function tryParse(pem: string | undefined, source: string): Parsed {
  if (!pem || pem.trim() === '') return { certs: [], error: `${source} is empty` };
  try {
    return { certs: parseCertificates(pem, source) };
  } catch (error) {
    return { certs: [], error: error instanceof CliError ? error.message : String(error) };
  }
}
