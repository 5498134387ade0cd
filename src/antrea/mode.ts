// Which certificate mode an installation is in, and what that implies.
import { readSelfSignedCert } from './config.ts';
import { parseRelease, persistsSelfSignedPair } from './versions.ts';
import { CERT_MANAGER_CERTIFICATE_ANNOTATION } from './names.ts';
import type { Installation } from '../antrea/installation.ts';

/**
 * The controller makes and renews its own pair (selfSignedCert true), or serves the pair users put
 * in its TLS Secret.
 */
export type Mode = 'self-signed' | 'user-provided';
/** Where a self-signed pair lives: Secret antrea-controller-tls (v2 and late 1.13-1.15 patches) or only in the Pod. */
export type PairStorage = 'secret' | 'pod' | 'unknown';

/**
 * What detectMode decides from, as modeOf reads it from the cluster: the config file, the release,
 * the Deployment's labels and annotations, and what the TLS Secret holds.
 */
export interface ModeFacts {
  readonly configText?: string;
  readonly controllerInfoVersion?: string;
  readonly image?: string;
  readonly deploymentLabels: Record<string, string>;
  readonly deploymentAnnotations: Record<string, string>;
  readonly secret?: {
    readonly hasCa: boolean;
    readonly hasCert: boolean;
    readonly annotations: Record<string, string>;
  };
}

/**
 * The certificate mode of an installation and what goes with it: where a self-signed pair lives,
 * which release says so, and whether cert-manager or Helm manage the objects.
 */
export interface ModeInfo {
  readonly mode: Mode;
  /** selfSignedCert is written in the config file (not the default). */
  readonly explicit: boolean;
  readonly configError?: string;
  readonly pairStorage?: PairStorage;
  /** Where this release keeps a self-signed pair, whatever the current mode. */
  readonly selfSignedStorage: PairStorage;
  readonly version?: string;
  readonly versionSource: 'AntreaControllerInfo' | 'image tag' | 'unknown';
  /** The cert-manager Certificate that owns the Secret, if any. */
  readonly certManagerCertificate?: string;
  readonly helmManaged: boolean;
}

/**
 * The release in an image's tag (antrea/antrea-controller-ubuntu:v2.7.0 gives v2.7.0); undefined
 * for latest, a digest or no tag.
 */
export function versionFromImage(image?: string): string | undefined {
  if (!image || image.includes('@')) return undefined;
  const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
  return tag && tag !== 'latest' ? tag : undefined;
}

/**
 * Decides the mode as the controller would: an unreadable config file counts as self-signed, and
 * the release comes from AntreaControllerInfo, else from the image tag.
 */
export function detectMode(facts: ModeFacts): ModeInfo {
  const setting =
    facts.configText === undefined
      ? { value: true, explicit: false }
      : readSelfSignedCert(facts.configText);
  const imageVersion = versionFromImage(facts.image);
  const version = facts.controllerInfoVersion ?? imageVersion;
  const versionSource = facts.controllerInfoVersion
    ? 'AntreaControllerInfo'
    : imageVersion
      ? 'image tag'
      : 'unknown';
  const certManagerCertificate = facts.secret?.annotations[CERT_MANAGER_CERTIFICATE_ANNOTATION];
  const helmManaged =
    facts.deploymentLabels['app.kubernetes.io/managed-by'] === 'Helm' ||
    Object.keys(facts.deploymentAnnotations).some((k) => k.startsWith('meta.helm.sh/'));
  const common = {
    selfSignedStorage: pairStorage(version, facts.secret),
    ...(version ? { version } : {}),
    versionSource,
    ...(certManagerCertificate ? { certManagerCertificate } : {}),
    helmManaged,
  } as const;
  if ('error' in setting)
    return { mode: 'self-signed', explicit: false, configError: setting.error, ...common };
  if (!setting.value) return { mode: 'user-provided', explicit: setting.explicit, ...common };
  return {
    mode: 'self-signed',
    explicit: setting.explicit,
    pairStorage: common.selfSignedStorage,
    ...common,
  };
}

function pairStorage(version: string | undefined, secret: ModeFacts['secret']): PairStorage {
  const release = parseRelease(version);
  if (release) return persistsSelfSignedPair(release) ? 'secret' : 'pod';
  if (secret?.hasCert && !secret.hasCa) return 'secret';
  return secret ? 'unknown' : 'pod';
}

/** The mode in the words of status and mode: which one, and where the pair lives. */
export function describeMode(info: ModeInfo, secretName: string): string {
  if (info.mode === 'user-provided') return `user-provided (Secret ${secretName})`;
  switch (info.pairStorage) {
    case 'secret':
      return `self-signed, pair persisted in Secret ${secretName}`;
    case 'pod':
      return 'self-signed, pair held in the controller Pod (new at every restart)';
    default:
      return 'self-signed (version unknown: pair in the Secret or in the Pod)';
  }
}

/** The mode of an installation as read from the cluster. */
export function modeOf(inst: Installation): ModeInfo {
  return detectMode({
    configText: inst.config?.text,
    controllerInfoVersion: inst.controllerInfoVersion,
    image: inst.deployment.image,
    deploymentLabels: inst.deployment.labels,
    deploymentAnnotations: inst.deployment.annotations,
    ...(inst.tlsSecret
      ? {
          secret: {
            hasCa: Boolean(inst.tlsSecret.ca),
            hasCert: Boolean(inst.tlsSecret.cert),
            annotations: inst.tlsSecret.annotations,
          },
        }
      : {}),
  });
}
