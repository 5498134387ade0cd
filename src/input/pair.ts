// A serving pair given as files (import, and rotate in user-provided mode):
// the flags, where the files are, and reading them.
import { join } from 'node:path';
import type { FlagTable } from '../framework/flag-table.ts';
import type { Sensitive } from '../sensitive.ts';
import { readKeyPem, readPem, readPassphrase } from './files.ts';

/**
 * The flags that name the files of a pair, shared by import and rotate, and the cluster domain of
 * the recommended name.
 */
export const pairFileFlags = {
  cert: {
    type: 'string',
    complete: 'file',
    describe: 'The serving certificate (PEM), any intermediates after it',
  },
  key: {
    type: 'string',
    complete: 'file',
    describe: 'Its private key (PEM: PKCS#1, PKCS#8 or SEC1; encrypted with --key-passphrase-file)',
  },
  ca: {
    type: 'string',
    complete: 'file',
    describe: 'The CA certificate(s) clients should trust (PEM)',
  },
  'key-passphrase-file': {
    type: 'string',
    complete: 'file',
    describe: 'A file holding the passphrase of an encrypted key',
  },
  'cluster-domain': {
    type: 'string',
    default: 'cluster.local',
    describe: 'The cluster DNS domain, for the recommended name antrea.<namespace>.svc.<domain>',
  },
} as const satisfies FlagTable;

/** One file of the pair, and the flag that named it (for messages). */
export interface PairFile {
  readonly path: string;
  readonly flag: string;
}

/** Where the pair's three files are, and the passphrase file of an encrypted key. */
export interface PairFiles {
  readonly cert: PairFile;
  readonly key: PairFile;
  readonly ca: PairFile;
  readonly passphraseFile?: string;
}

/** tls.crt, tls.key and ca.crt in a directory, as --from-dir names them. */
export const pairFilesIn = (dir: string, passphraseFile?: string): PairFiles => ({
  cert: { path: join(dir, 'tls.crt'), flag: '--from-dir' },
  key: { path: join(dir, 'tls.key'), flag: '--from-dir' },
  ca: { path: join(dir, 'ca.crt'), flag: '--from-dir' },
  ...(passphraseFile ? { passphraseFile } : {}),
});

/** What preflight and the Secret take: the PEM texts, each named by its file. */
export interface PairInput {
  readonly cert: { readonly pem: string; readonly source: string };
  readonly key: {
    readonly pem: Sensitive;
    readonly source: string;
    readonly passphrase?: Sensitive;
  };
  readonly ca: { readonly pem: string; readonly source: string };
}

/** Reads the pair's files; the key and passphrase stay Sensitive. */
export function readPair(files: PairFiles): PairInput {
  const passphrase = files.passphraseFile ? readPassphrase(files.passphraseFile) : undefined;
  const cert = readPem(files.cert.path, files.cert.flag);
  const key = readKeyPem(files.key.path, files.key.flag);
  return {
    cert: { pem: cert, source: files.cert.path },
    key: { pem: key, source: files.key.path, ...(passphrase ? { passphrase } : {}) },
    ca: { pem: readPem(files.ca.path, files.ca.flag), source: files.ca.path },
  };
}
