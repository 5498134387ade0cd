// Who owns a field, from an object's managedFields: the managers whose
// fieldsV1 tree reaches it. A GitOps tool that owns a caBundle writes it back.
import type { ObjectMeta } from './objects.ts';

/** The field manager of the plugin's own writes, as managedFields record it. */
export const PLUGIN_FIELD_MANAGER = 'kubectl-antrea-certs';

/** A path in a fieldsV1 tree: ['f:spec', 'f:caBundle'], or a list entry's 'k:{"name":"x"}'. */
export type FieldPath = readonly string[];

/** The managers (and how they write: Update, Apply) whose fields include `path`, in order. */
export function ownersOf(meta: ObjectMeta | undefined, path: FieldPath): string[] {
  return (meta?.managedFields ?? []).flatMap((entry) => {
    let node = entry.fieldsV1;
    for (const key of path) node = node?.[key];
    return node && entry.manager ? [entry.manager] : [];
  });
}

/** The key of a list entry in fieldsV1, by its merge key: k:{"name":"x"}. */
export const entryKey = (name: string) => `k:${JSON.stringify({ name })}`;

/** Where each kind of CA consumer keeps its caBundle, and where antrea-ca keeps the CA. */
export const CA_BUNDLE_PATHS = {
  apiService: ['f:spec', 'f:caBundle'],
  webhook: (name: string) => ['f:webhooks', entryKey(name), 'f:clientConfig', 'f:caBundle'],
  crd: ['f:spec', 'f:conversion', 'f:webhook', 'f:clientConfig', 'f:caBundle'],
  /** A key of a ConfigMap's data (antrea-ca's ca.crt). */
  configMap: (key: string) => ['f:data', `f:${key}`],
} as const;

/** The last write of `path` by each manager that owns it: who, and when (managedFields' time). */
export function writesOf(
  meta: ObjectMeta | undefined,
  path: FieldPath,
): { readonly manager: string; readonly time?: string }[] {
  return (meta?.managedFields ?? []).flatMap((entry) => {
    let node = entry.fieldsV1;
    for (const key of path) node = node?.[key];
    return node && entry.manager
      ? [{ manager: entry.manager, ...(entry.time ? { time: entry.time } : {}) }]
      : [];
  });
}
