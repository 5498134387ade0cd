// What restore checks in a backup before it writes anything: the checks
// import makes of a pair, on the pair the backup would put back, in the mode
// the restored config file sets, and that config file itself.
import { preflight, type Finding } from '../certs/preflight.ts';
import { readSelfSignedCert } from '../antrea/config.ts';
import { serviceDnsName } from '../antrea/names.ts';
import type { Backup } from './backup.ts';

/**
 * Every finding about what the backup would write; an error means the controller could not use
 * it. `currentConfig` is the config file in the cluster, for a backup that holds none.
 */
export function backupFindings(
  backup: Backup,
  currentConfig: string | undefined,
  now: Date,
): Finding[] {
  const findings: Finding[] = [];
  const config = backup.configMap?.text ?? currentConfig;
  const setting = config === undefined ? undefined : readSelfSignedCert(config);
  if (setting && 'error' in setting) {
    const whose = backup.configMap ? "the backup's" : "the cluster's";
    findings.push({
      severity: 'error',
      message: `${whose} ${setting.error}: the controller would not start.`,
    });
  }
  const { secret } = backup;
  if (!secret.existed) return findings;
  const selfSigned = setting && !('error' in setting) ? setting.value : true;
  const source = (key: string) => `the backup's ${key}`;
  if (selfSigned) {
    // A self-signed controller replaces a pair it cannot read, so nothing of it would be restored;
    // it publishes the whole tls.crt as the CA: what follows the first certificate signs it.
    if (secret.cert === undefined && secret.key === undefined) return findings;
    const [leaf, cas] = firstCertificate(secret.cert);
    return [
      ...findings,
      ...preflight({
        cert: { pem: leaf, source: source('tls.crt') },
        key: { pem: secret.key, source: source('tls.key') },
        ca: { pem: cas, source: `the CA after the certificate in ${source('tls.crt')}` },
        requiredName: serviceDnsName(backup.namespace),
        recommendedNames: [],
        now,
      }).findings,
    ];
  }
  return [
    ...findings,
    ...preflight({
      cert: { pem: secret.cert, source: source('tls.crt') },
      key: { pem: secret.key, source: source('tls.key') },
      ca: { pem: secret.ca, source: source('ca.crt') },
      requiredName: serviceDnsName(backup.namespace),
      recommendedNames: [],
      now,
    }).findings,
  ];
}

/** A PEM bundle split after its first certificate; the rest is undefined when empty. */
function firstCertificate(pem: string | undefined): [string | undefined, string | undefined] {
  const end = pem === undefined ? null : /-----END CERTIFICATE-----\r?\n?/.exec(pem);
  if (pem === undefined || !end) return [pem, undefined];
  const rest = pem.slice(end.index + end[0].length);
  return [pem.slice(0, end.index + end[0].length), rest.trim() ? rest : undefined];
}
