// Installing Antrea on the testbed: the minimal manifest, or a real release
// manifest adjusted only where a cluster without nodes needs it.
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { minimalManifest, type KubeObject } from './manifest.ts';

export interface InstallOptions {
  readonly namespace: string;
  readonly version: string;
  readonly modelAddress: string;
  /** A real release manifest to apply instead of the minimal one. */
  readonly manifest?: string;
}

export function manifestObjects(options: InstallOptions): KubeObject[] {
  if (!options.manifest) return minimalManifest(options);
  const docs = yaml
    .loadAll(readFileSync(options.manifest, 'utf8'))
    .filter(isObject) as KubeObject[];
  const adjusted = docs.map((doc) =>
    adjustRealObject(renameNamespace(doc, 'kube-system', options.namespace), options),
  );
  if (options.namespace !== 'kube-system') {
    adjusted.unshift({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: options.namespace },
    });
  }
  return adjusted;
}

function isObject(doc: unknown): doc is KubeObject {
  return typeof doc === 'object' && doc !== null && 'kind' in doc;
}

/** Service antrea becomes an ExternalName to the model: there are no nodes, Pod IPs or kube-proxy here. */
function adjustRealObject(doc: KubeObject, options: InstallOptions): KubeObject {
  if (doc.kind !== 'Service' || doc.metadata.name !== 'antrea') return doc;
  const spec = (doc.spec ?? {}) as Record<string, unknown>;
  const { selector: _selector, clusterIP: _clusterIP, clusterIPs: _clusterIPs, ...rest } = spec;
  return { ...doc, spec: { ...rest, type: 'ExternalName', externalName: options.modelAddress } };
}

/** Moves every namespace reference (metadata, service references, subjects) to another namespace. */
function renameNamespace<T>(value: T, from: string, to: string): T {
  if (from === to) return value;
  if (Array.isArray(value)) return value.map((item) => renameNamespace(item, from, to)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === 'namespace' && child === from ? to : renameNamespace(child, from, to);
  }
  return out as T;
}

export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => yaml.dump(o, { lineWidth: -1, noRefs: true })).join('---\n');
}
