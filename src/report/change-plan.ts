// A change's plan as data: each write it would send, field by field, old and
// new, from the objects --dry-run=client kept instead of sending. Certificates
// are shown by their fingerprints; a private key only as "changed".
import type { Installation } from '../antrea/installation.ts';
import type { Intended } from '../kube/client.ts';
import type * as k8s from '../kube/objects.ts';
import { CONTROLLER } from '../antrea/names.ts';
import { readSelfSignedCert } from '../antrea/config.ts';
import { tryParse } from '../certs/try-parse.ts';
import type { Certificate } from '../certs/certificate.ts';
import { decodeBase64 } from '../base64.ts';
import { createHash } from 'node:crypto';

/** A certificate as a plan names it. */
export interface PlannedCertificate {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly isCA: boolean;
  readonly sha256: string;
}

/**
 * One side of a field: its certificates, a setting's value, a digest of other text, or `secret`
 * (a private key: never shown, not even as a digest).
 */
export type PlannedValue =
  | { readonly certificates: readonly PlannedCertificate[] }
  | { readonly value: string }
  | { readonly sha256: string; readonly bytes: number }
  | { readonly secret: true };

/** A field the write sets, adds or removes: `before` is absent when it is new, `after` when it goes. */
export interface PlannedField {
  readonly field: string;
  readonly before?: PlannedValue;
  readonly after?: PlannedValue;
}

/** One write of the plan, in the order the change sends them. */
export interface PlannedWrite {
  readonly verb: 'create' | 'update' | 'delete';
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** `status`: the write goes to the status subresource. */
  readonly subresource?: 'status';
  readonly fields: readonly PlannedField[];
}

/** By the resource's plural, its group left out. */
const KIND_OF: Readonly<Record<string, string>> = {
  secrets: 'Secret',
  configmaps: 'ConfigMap',
  deployments: 'Deployment',
  certificates: 'Certificate',
};
const pluralOf = (resource: string) => resource.split('.')[0] ?? resource;
/** The kind of a resource the plugin writes ("secrets" is Secret), else the resource's name. */
export const kindOf = (resource: string) => KIND_OF[pluralOf(resource)] ?? resource;
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const CERTIFICATE_KEYS = new Set(['ca.crt', 'tls.crt']);
const KEY_FIELD = /(^|\.)key$|private/i;

const fingerprint = (c: Certificate): PlannedCertificate => ({
  subject: c.info.subject,
  issuer: c.info.issuer,
  serialNumber: c.info.serialNumber,
  notBefore: c.info.notBefore,
  notAfter: c.info.notAfter,
  isCA: c.info.isCA,
  sha256: c.info.sha256,
});

const digest = (text: string): PlannedValue => ({
  sha256: createHash('sha256').update(text).digest('hex'),
  bytes: Buffer.byteLength(text),
});

/** A data value as the plan shows it: certificates when it holds some, else its digest. */
function valueOf(key: string, text: string): PlannedValue {
  if (KEY_FIELD.test(key)) return { secret: true };
  if (CERTIFICATE_KEYS.has(key) || text.includes('-----BEGIN CERTIFICATE-----')) {
    const { certs } = tryParse(text, key);
    if (certs.length) return { certificates: certs.map(fingerprint) };
  }
  return digest(text);
}

/** The fields of `data` that differ between before and after, keys in order. */
function dataFields(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): PlannedField[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    const [old, now] = [before[key], after[key]];
    if (old === now) return [];
    return [
      {
        field: `data.${key}`,
        ...(old !== undefined ? { before: valueOf(key, old) } : {}),
        ...(now !== undefined ? { after: valueOf(key, now) } : {}),
      },
    ];
  });
}

/** The Secret's data as text, from what was read (`before`) or what a write sends. */
function secretBefore(inst: Installation, name: string): Record<string, string> {
  const s = inst.tlsSecret;
  if (s?.name !== name) return {};
  const other = Object.fromEntries(
    Object.entries(s.otherData ?? {}).map(([k, v]) => [k, decodeBase64(v) ?? '']),
  );
  return {
    ...other,
    ...(s.ca !== undefined ? { 'ca.crt': s.ca } : {}),
    ...(s.cert !== undefined ? { 'tls.crt': s.cert } : {}),
    ...(s.key !== undefined ? { 'tls.key': s.key.reveal() } : {}),
  };
}

const decoded = (data: Readonly<Record<string, string>> | undefined) =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, decodeBase64(v) ?? '']));

function secretFields(inst: Installation, w: Intended): PlannedField[] {
  const before = secretBefore(inst, w.name);
  const body = w.body as k8s.Secret | undefined;
  const fields = dataFields(before, w.verb === 'delete' ? {} : decoded(body?.data));
  const oldType = inst.tlsSecret?.name === w.name ? inst.tlsSecret.type : undefined;
  const type = body?.type;
  if (w.verb === 'create' && type && type !== oldType) {
    fields.unshift({
      field: 'type',
      ...(oldType ? { before: { value: oldType } } : {}),
      after: { value: type },
    });
  }
  return fields;
}

/** antrea-controller.conf also by its selfSignedCert, the setting a change of mode writes. */
function configFields(inst: Installation, w: Intended): PlannedField[] {
  const body = w.body as k8s.ConfigMap | undefined;
  const conf = inst.config;
  if (!conf || conf.name !== w.name || conf.text === undefined) return [];
  const before = { [CONTROLLER.configKey]: conf.text };
  const afterText = body?.data?.[CONTROLLER.configKey];
  const after: Record<string, string> =
    afterText === undefined ? {} : { [CONTROLLER.configKey]: afterText };
  const fields = dataFields(before, after);
  if (afterText === undefined) return fields;
  const setting = (text: string) => {
    const s = readSelfSignedCert(text);
    return 'error' in s ? 'unreadable' : String(s.value);
  };
  const [old, now] = [setting(conf.text), setting(afterText)];
  if (old !== now) {
    fields.push({ field: 'selfSignedCert', before: { value: old }, after: { value: now } });
  }
  return fields;
}

function deploymentFields(w: Intended): PlannedField[] {
  const at = (w.body as k8s.Deployment | undefined)?.spec?.template?.metadata?.annotations?.[
    RESTARTED_AT
  ];
  return at
    ? [{ field: `spec.template.metadata.annotations.${RESTARTED_AT}`, after: { value: at } }]
    : [];
}

interface CertificateBody extends k8s.KubeObject {
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: {
    readonly conditions?: readonly { type?: string; status?: string; reason?: string }[];
  };
}

/** A cert-manager Certificate: its spec's settings as created, or the condition a status write sets. */
function certificateFields(w: Intended): PlannedField[] {
  const body = w.body as CertificateBody | undefined;
  if (w.status) {
    return (body?.status?.conditions ?? [])
      .filter((c) => c.type === 'Issuing')
      .map((c) => ({
        field: 'status.conditions.Issuing',
        after: { value: `${c.status ?? ''}${c.reason ? ` (${c.reason})` : ''}` },
      }));
  }
  return Object.entries(body?.spec ?? {}).map(([key, value]) => ({
    field: `spec.${key}`,
    after: { value: typeof value === 'string' ? value : JSON.stringify(value) },
  }));
}

/** The plan's writes, from what --dry-run=client kept, against the installation they were planned on. */
export function plannedWrites(inst: Installation, intended: readonly Intended[]): PlannedWrite[] {
  const fieldsOf: Readonly<Record<string, (w: Intended) => PlannedField[]>> = {
    secrets: (w) => secretFields(inst, w),
    configmaps: (w) => configFields(inst, w),
    deployments: deploymentFields,
    certificates: certificateFields,
  };
  return intended.map((w) => {
    const plural = pluralOf(w.resource);
    const fields = fieldsOf[plural]?.(w) ?? [];
    return {
      verb: w.verb,
      kind: kindOf(w.resource),
      ...(w.namespace ? { namespace: w.namespace } : {}),
      name: w.name,
      ...(w.status ? { subresource: 'status' as const } : {}),
      fields,
    };
  });
}
