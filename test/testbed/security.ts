// What audit looks at, on the testbed: workloads with hostPath volumes,
// namespaces with and without Pod Security labels, Gatekeeper's
// ConstraintTemplate CRD and constraint CRDs, PodSecurityPolicies (the 1.20
// API server serves them), and the agent side of Antrea: its config, its
// AntreaAgentInfo and its IPsec certificate request, as Antrea's source
// shapes them.
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { findBinaries } from './binaries.ts';
import type { Testbed } from './fixture.ts';
import { issue, usage, x509 } from './pki.ts';
import { SIGNER } from './model/ipsec.ts';

/** Applies objects with kubectl (JSON is YAML). */
export function apply(bed: Testbed, ...items: object[]): void {
  const kubectl = findBinaries()?.kubectl ?? 'kubectl';
  const out = spawnSync(kubectl, ['--kubeconfig', bed.kubeconfig, 'apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`kubectl apply failed: ${out.stderr}`);
}

/** A Deployment (or with `bare`, a Pod) whose container mounts a hostPath volume. */
export function hostPathWorkload(options: {
  namespace: string;
  name: string;
  path: string;
  readOnly?: boolean;
  privileged?: boolean;
  bare?: boolean;
  /** false: the volume is declared but no container mounts it. */
  mounted?: boolean;
}): object {
  const spec = {
    containers: [
      {
        name: 'main',
        image: 'busybox',
        volumeMounts:
          options.mounted === false
            ? []
            : [{ name: 'host', mountPath: '/host', readOnly: options.readOnly ?? false }],
        ...(options.privileged ? { securityContext: { privileged: true } } : {}),
      },
    ],
    volumes: [{ name: 'host', hostPath: { path: options.path } }],
  };
  const metadata = { name: options.name, namespace: options.namespace };
  if (options.bare) return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
  const labels = { app: options.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec },
    },
  };
}

export const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

const crd = (group: string, kind: string, plural: string, version: string, scope: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope,
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
    versions: [
      {
        name: version,
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    ],
  },
});

/**
 * Gatekeeper as its API shows it: the ConstraintTemplate CRD, the host-filesystem template, and
 * the CRD Gatekeeper makes from it for its constraints.
 */
export function gatekeeper(): object[] {
  return [
    crd('templates.gatekeeper.sh', 'ConstraintTemplate', 'constrainttemplates', 'v1', 'Cluster'),
    crd(
      'constraints.gatekeeper.sh',
      'K8sPSPHostFilesystem',
      'k8spsphostfilesystem',
      'v1beta1',
      'Cluster',
    ),
  ];
}

export const hostFilesystemTemplate = () => ({
  apiVersion: 'templates.gatekeeper.sh/v1',
  kind: 'ConstraintTemplate',
  metadata: { name: 'k8spsphostfilesystem' },
  spec: { crd: { spec: { names: { kind: 'K8sPSPHostFilesystem' } } } },
});

export const hostFilesystemConstraint = (
  name: string,
  namespaces: string[],
  enforcementAction = 'deny',
) => ({
  apiVersion: 'constraints.gatekeeper.sh/v1beta1',
  kind: 'K8sPSPHostFilesystem',
  metadata: { name },
  spec: {
    enforcementAction,
    match: { namespaces, kinds: [{ apiGroups: [''], kinds: ['Pod'] }] },
    parameters: { allowedHostPaths: [{ pathPrefix: '/data', readOnly: true }] },
  },
});

export const podSecurityPolicy = (
  name: string,
  volumes: string[],
  allowedHostPaths?: object[],
) => ({
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: { name },
  spec: {
    volumes,
    ...(allowedHostPaths ? { allowedHostPaths } : {}),
    seLinux: { rule: 'RunAsAny' },
    runAsUser: { rule: 'RunAsAny' },
    supplementalGroups: { rule: 'RunAsAny' },
    fsGroup: { rule: 'RunAsAny' },
  },
});

/** Edits antrea-agent.conf and antrea-controller.conf in ConfigMap antrea-config. */
export async function editAntreaConfig(
  bed: Testbed,
  edit: (conf: { agent: string; controller: string }) => { agent: string; controller: string },
): Promise<void> {
  const { core } = bed.api;
  const cm = await core.readNamespacedConfigMap({
    name: 'antrea-config',
    namespace: bed.namespace,
  });
  const edited = edit({
    agent: cm.data?.['antrea-agent.conf'] ?? '',
    controller: cm.data?.['antrea-controller.conf'] ?? '',
  });
  cm.data = {
    ...cm.data,
    'antrea-agent.conf': edited.agent,
    'antrea-controller.conf': edited.controller,
  };
  await core.replaceNamespacedConfigMap({
    name: 'antrea-config',
    namespace: bed.namespace,
    body: cm,
  });
}

/** An agent's AntreaAgentInfo, with the self-signed certificate of its API server (localhost). */
export async function agentInfo(bed: Testbed, node: string, notAfter: Date): Promise<void> {
  const cert = await issue({
    commonName: `${node}@${Math.floor(Date.now() / 1000)}`,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usages: usage.digitalSignature | usage.keyEncipherment,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter,
  });
  apply(bed, {
    apiVersion: 'crd.antrea.io/v1beta1',
    kind: 'AntreaAgentInfo',
    metadata: { name: node },
    version: 'v2.7.0',
    nodeRef: { kind: 'Node', name: node },
    apiCABundle: Buffer.from(cert.certPem).toString('base64'),
  });
}

/** The request an agent makes: CN and DNS name the Node, O antrea.io, usage ipsec tunnel. */
export async function agentRequest(bed: Testbed, node: string): Promise<string> {
  const keys = await webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${node}, O=antrea.io`,
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: node }])],
  });
  const name = `${node}-${Date.now().toString(36)}`;
  apply(bed, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: {
      request: Buffer.from(csr.toString('pem')).toString('base64'),
      signerName: SIGNER,
      usages: ['ipsec tunnel'],
    },
  });
  return name;
}
