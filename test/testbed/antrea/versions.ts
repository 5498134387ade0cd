// Which certificate behaviour each Antrea release has (see the behaviour page).

export interface Release {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export function parseRelease(version: string): Release {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`"${version}" is not an Antrea release like v2.7.0`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** v2.0+, v1.13.4+, v1.14.3+, v1.15.1+ keep the self-signed pair in Secret antrea-controller-tls. */
export function persistsSelfSignedPair(release: Release): boolean {
  if (release.major >= 2) return true;
  if (release.major < 1) return false;
  const firstPersisting: Record<number, number> = { 13: 4, 14: 3, 15: 1 };
  if (release.minor > 15) return true;
  const patch = firstPersisting[release.minor];
  return patch !== undefined && release.patch >= patch;
}

/**
 * v1.13.4, v1.14.3 and v1.15.1 set type kubernetes.io/tls on the Secret they rewrite, which the API
 * server refuses for an Opaque Secret (antrea-io/antrea#6205, fixed in v1.15.2 and v2.0.0).
 */
export function rewritesSecretType(release: Release): boolean {
  return (
    persistsSelfSignedPair(release) &&
    release.major === 1 &&
    (release.minor < 15 || (release.minor === 15 && release.patch < 2))
  );
}

/** From v1.12 the CA consumers are selected by label rather than by a fixed name list. */
export function selectsConsumersByLabel(release: Release): boolean {
  return release.major > 1 || (release.major === 1 && release.minor >= 12);
}

export const CONSUMER_SELECTOR = 'app=antrea,served-by=antrea-controller';

/** The fixed consumer names of releases before v1.12. */
export const LEGACY_CONSUMERS = {
  apiServices: [
    'v1alpha1.stats.antrea.io',
    'v1beta1.system.antrea.io',
    'v1beta2.controlplane.antrea.io',
    'v1beta1.controlplane.antrea.tanzu.vmware.com',
    'v1beta2.controlplane.antrea.tanzu.vmware.com',
    'v1beta1.networking.antrea.tanzu.vmware.com',
    'v1beta1.system.antrea.tanzu.vmware.com',
    'v1alpha1.stats.antrea.tanzu.vmware.com',
  ],
  validatingWebhooks: ['crdvalidator.antrea.io', 'crdvalidator.antrea.tanzu.vmware.com'],
  mutatingWebhooks: [
    'crdmutator.antrea.io',
    'labelsmutator.antrea.io',
    'crdmutator.antrea.tanzu.vmware.com',
    'labelsmutator.antrea.tanzu.vmware.com',
  ],
} as const;
