// Which cluster a backup was read from, so that restore does not put one
// cluster's key and config into another.
import type { Installation } from '../antrea/installation.ts';
import { tryParse } from '../certs/try-parse.ts';

/** A cluster as a backup records it. */
export interface ClusterIdentity {
  /** The API server URL it was read from. */
  readonly server: string;
  /** The UID of the kube-system Namespace: the same under any context name or server URL. */
  readonly kubeSystemUid?: string;
  /** SHA-256 of the first certificate antrea-ca published then. */
  readonly antreaCaSha256?: string;
}

/** The cluster an installation was read from, through `server`. */
export function identityOf(inst: Installation, server: string): ClusterIdentity {
  const [ca] = tryParse(inst.caConfigMap?.bundle, 'antrea-ca').certs;
  return {
    server,
    ...(inst.clusterUid ? { kubeSystemUid: inst.clusterUid } : {}),
    ...(ca ? { antreaCaSha256: ca.info.sha256 } : {}),
  };
}

/**
 * Whether a backup's cluster is this one: by the kube-system UID when both have it; else another
 * only when both the server and antrea-ca differ; unknown for a backup that records none.
 */
export function sameCluster(
  backup: ClusterIdentity | undefined,
  here: ClusterIdentity,
): 'same' | 'other' | 'unknown' {
  if (!backup) return 'unknown';
  if (backup.kubeSystemUid && here.kubeSystemUid)
    return backup.kubeSystemUid === here.kubeSystemUid ? 'same' : 'other';
  if (backup.server === here.server) return 'same';
  const cas = [backup.antreaCaSha256, here.antreaCaSha256];
  if (cas.every(Boolean) && cas[0] !== cas[1]) return 'other';
  return 'unknown';
}

/** "https://10.0.0.1:6443 (kube-system 5f0c…)": a cluster in a sentence. */
export const describeCluster = (id: ClusterIdentity) =>
  `${id.server}${id.kubeSystemUid ? ` (kube-system UID ${id.kubeSystemUid})` : ''}`;
