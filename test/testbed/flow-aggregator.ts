// The Flow Aggregator's certificates on the testbed, where it writes them in
// its namespace: its CA in ConfigMap flow-aggregator-ca and Secret
// flow-aggregator-ca-tls, its client certificate in Secret
// flow-aggregator-client-tls. A test picks their expiry: less than 90 days
// away, they are what a flow-aggregator that failed to rotate leaves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extendedUsage, issue, usage } from './pki.ts';

const NAMESPACE = 'flow-aggregator';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** What the helper needs of a testbed: kubectl, and a directory for the manifest. */
export interface Cluster {
  readonly dir: string;
  kubectl(...args: string[]): string;
}

/** Writes (or replaces) the CA and client certificate, both expiring at `notAfter`; returns the client's PEM. */
export async function writeFlowAggregatorCertificates(
  bed: Cluster,
  notAfter: Date,
): Promise<{ readonly caPem: string; readonly clientPem: string }> {
  const ca = await issue({
    commonName: 'flow-aggregator-ca',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    notAfter,
  });
  const client = await issue({
    commonName: 'flow-aggregator',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.clientAuth],
    notAfter,
  });
  const tls = (name: string, certPem: string, keyPem: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NAMESPACE },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(certPem), 'tls.key': b64(keyPem) },
  });
  const file = join(bed.dir, 'flow-aggregator-certificates.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'flow-aggregator-ca', namespace: NAMESPACE },
          data: { 'ca.crt': ca.certPem },
        },
        tls('flow-aggregator-ca-tls', ca.certPem, ca.keyPem),
        tls('flow-aggregator-client-tls', client.certPem, client.keyPem),
      ],
    }),
    { mode: 0o600 },
  );
  bed.kubectl('apply', '-f', file);
  return { caPem: ca.certPem, clientPem: client.certPem };
}
