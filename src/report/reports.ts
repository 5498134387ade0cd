// Each command's report as a pure function of the snapshot: what status,
// verify, audit and status --all print, whichever reader filled it.
import { installationOf } from '../antrea/installation.ts';
import type { Snapshot } from '../antrea/snapshot.ts';
import { agentApiCertificates } from './agent-api.ts';
import { auditFrom, type AuditReport } from './audit/audit.ts';
import { inventoryFrom, type InventoryReport } from './inventory.ts';
import { encryptionFrom, ipsecBlock, type IpsecReport } from './ipsec.ts';
import { statusFrom, type StatusReport } from './status.ts';
import { verifyFrom, type VerifyReport } from './verify/verify.ts';
import type { Thresholds } from './audit/common.ts';

/** status: the certificates, CA bundles, consumers and, in IPsec mode, its keys and CA. */
export function statusOf(
  snapshot: Snapshot,
  now: Date,
  warnWithinMs: number,
): StatusReport & { readonly ipsec: IpsecReport | null } {
  const installation = installationOf(snapshot);
  return {
    ...statusFrom({ installation, now, warnWithinMs }),
    ipsec: ipsecBlock(installation, snapshot.ipsec, now),
  };
}

/** verify: the checks, the discovery probes among them. */
export function verifyOf(snapshot: Snapshot, now: Date, thresholds: Thresholds): VerifyReport {
  const installation = installationOf(snapshot);
  return verifyFrom({ installation, probes: snapshot.probes ?? [], now, ...thresholds });
}

/** audit: Antrea's security recommendations checked on the snapshot. */
export function auditOf(
  snapshot: Snapshot & Required<Pick<Snapshot, 'security' | 'ipsec'>>,
  now: Date,
  options: Thresholds & { readonly trustedNamespaces: readonly string[] },
): AuditReport {
  const { security, ipsec } = snapshot;
  return auditFrom({ installation: installationOf(snapshot), security, ipsec, now, ...options });
}

/** status --all: every certificate and key of Antrea, from the snapshot's key material. */
export function inventoryOf(
  snapshot: Snapshot & Required<Pick<Snapshot, 'keyMaterial' | 'agentInfos'>>,
  now: Date,
  options: {
    readonly warnWithinMs: number;
    readonly expiringWithinMs?: number;
    readonly expiringWithin?: string;
  },
): InventoryReport {
  const { keyMaterial, agentInfos } = snapshot;
  const installation = installationOf(snapshot);
  return inventoryFrom({
    status: statusFrom({ installation, now, warnWithinMs: options.warnWithinMs }),
    encryption: encryptionFrom({
      agentConf: installation.config?.agentText,
      controllerConf: installation.config?.text,
      ...(snapshot.ipsec ? { objects: snapshot.ipsec } : {}),
      now,
    }),
    agentApi:
      'value' in agentInfos ? { value: agentApiCertificates(agentInfos.value, now) } : agentInfos,
    keys: keyMaterial,
    now,
    ...(options.expiringWithinMs !== undefined
      ? { expiringWithinMs: options.expiringWithinMs, expiringWithin: options.expiringWithin }
      : {}),
  });
}
