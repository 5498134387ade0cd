// Where the plugin can see the serving certificate: the Secret's tls.crt, what
// the controller serves (a handshake), or, in self-signed mode, the
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
        source: `served by Pod ${served.pod}, seen through a port-forward; the Secret is not read`,
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

/**
 * Whether to see what the controller serves (a handshake through a port-forward). In user-provided
 * mode: `always` (verify must see the Secret's pair served) or when the Secret is not read. In
 * self-signed mode: when nothing else shows the serving certificate (the Secret not read, or
 * holding no pair, and antrea-ca gone); `always` also whenever the Secret is not read, so that a
 * watcher already knows it when antrea-ca goes.
 */
export function servedWanted(
  inst: Installation,
  mode: ModeInfo,
  when: 'always' | 'when-secret-refused',
): boolean {
  const secretRefused = inst.refusedDetails?.includes('Secret') ?? false;
  if (mode.mode === 'user-provided') return when === 'always' || secretRefused;
  if (when === 'always' && secretRefused) return true;
  const { served: _seen, ...withoutServed } = inst;
  return servingChain(withoutServed, mode) === undefined;
}
