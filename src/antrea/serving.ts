// Where the plugin can see the serving certificate: the Secret's tls.crt, or,
// when the self-signed pair lives only in the controller Pod, the first
// certificate of the bundle antrea-ca publishes.
import type { Certificate } from '../certs/certificate.ts';
import { tryParse } from '../certs/try-parse.ts';
import type { Installation } from '../antrea/installation.ts';
import { CA_CONFIGMAP } from './names.ts';
import type { ModeInfo } from './mode.ts';

/** The serving certificate as the plugin can see it: the Secret's tls.crt, or in Pod-held mode the first certificate antrea-ca publishes. */
export function servingChain(
  inst: Installation,
  mode: ModeInfo,
): { certs: Certificate[]; source: string } | undefined {
  const secret = inst.tlsSecret;
  if (secret?.cert && (mode.mode === 'user-provided' || mode.pairStorage !== 'pod')) {
    const parsed = tryParse(secret.cert, `Secret ${secret.name} tls.crt`);
    if (parsed.certs.length)
      return { certs: parsed.certs, source: `Secret ${secret.name}, tls.crt` };
  }
  const served = inst.served;
  if (served && 'pem' in served) {
    const parsed = tryParse(served.pem, `the certificate Pod ${served.pod} serves`);
    if (parsed.certs.length)
      return {
        certs: parsed.certs,
        source: `served by Pod ${served.pod}, seen through a port-forward; the Secret may not be read`,
      };
  }
  if (mode.mode === 'self-signed') {
    const parsed = tryParse(inst.caConfigMap?.bundle, `ConfigMap ${CA_CONFIGMAP}`);
    const leaf = parsed.certs.find((c) => !c.info.isCA);
    if (leaf)
      return {
        certs: [leaf, ...parsed.certs.filter((c) => c !== leaf)],
        source: `ConfigMap ${CA_CONFIGMAP} (the self-signed bundle starts with it)`,
      };
  }
  return undefined;
}
