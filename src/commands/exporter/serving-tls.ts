// The exporter's HTTPS certificate: a pair from files (a Secret mounted in the
// Pod, re-read when the kubelet updates it) or one the exporter makes for
// itself and replaces at half its lifetime. The server takes each new pair
// without a restart.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { hostname } from 'node:os';
import { issueSelfSignedServing } from '../../certs/issue.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { Sensitive } from '../../sensitive.ts';
import { UsageError, messageOf } from '../../errors.ts';

/** A certificate chain and its key, as the TLS server takes them. */
export interface ServingPair {
  readonly cert: string;
  readonly key: Sensitive;
}

/** Where the pair comes from; `onChange` hears each new one. */
export interface ServingTls {
  readonly pair: ServingPair;
  onChange: (pair: ServingPair) => void;
  /** Stops watching the files, or replacing the self-made pair. */
  stop(): void;
  /** Said in the log: where the pair comes from. */
  readonly describe: string;
}

/** How often the files are looked at: a Secret update reaches the Pod within a minute or so. */
const FILE_POLL_MS = 10_000;
/** The self-made certificate's lifetime; it is replaced at half of it. */
export const SELF_MADE_LIFETIME_MS = 7 * 86_400_000;

/** The pair in two PEM files; a pair that cannot be read is a UsageError at start, and kept out later. */
export function filePair(
  certFile: string,
  keyFile: string,
  log: (line: string) => void,
): ServingTls {
  const read = (): ServingPair => {
    const cert = readFileSync(certFile, 'utf8');
    const key = new Sensitive(readFileSync(keyFile, 'utf8'));
    if (!tryParse(cert, certFile).certs.length)
      throw new UsageError(
        `${certFile} holds no PEM certificate; give --tls-cert-file a PEM file.`,
      );
    return { cert, key };
  };
  let pair: ServingPair;
  try {
    pair = read();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read the TLS pair: ${messageOf(error)}`);
  }
  const tls: ServingTls = {
    get pair() {
      return pair;
    },
    onChange: () => undefined,
    describe: `the pair in ${certFile}`,
    stop: () => {
      unwatchFile(certFile, reload);
      unwatchFile(keyFile, reload);
    },
  };
  function reload() {
    try {
      pair = read();
      tls.onChange(pair);
      log(`TLS: serving the new pair in ${certFile}.`);
    } catch (error) {
      log(`TLS: keeping the pair served, the new one cannot be used: ${messageOf(error)}`);
    }
  }
  watchFile(certFile, { interval: FILE_POLL_MS, persistent: false }, reload);
  watchFile(keyFile, { interval: FILE_POLL_MS, persistent: false }, reload);
  return tls;
}

/** A self-signed pair for this host, replaced at half its lifetime. */
export function selfMadePair(lifetimeMs = SELF_MADE_LIFETIME_MS): ServingTls {
  const make = (): ServingPair => {
    const { certPem, keyPem } = issueSelfSignedServing({
      commonName: 'antrea-certs-exporter',
      dnsNames: [...new Set([hostname(), 'localhost'])],
      ipAddresses: ['127.0.0.1', '::1'],
      validityMs: lifetimeMs,
      now: new Date(),
    });
    return { cert: certPem, key: keyPem };
  };
  let pair = make();
  const tls: ServingTls = {
    get pair() {
      return pair;
    },
    onChange: () => undefined,
    describe:
      'a self-signed certificate it makes (replaced every ' + `${lifetimeMs / 2 / 3_600_000} h)`,
    stop: () => clearInterval(timer),
  };
  const timer = setInterval(() => {
    pair = make();
    tls.onChange(pair);
  }, lifetimeMs / 2).unref();
  return tls;
}
