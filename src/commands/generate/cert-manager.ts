// generate --cert-manager: Antrea's Certificate for cert-manager, printed, or
// with --apply created and switched to in one change: preflight of cert-manager
// and the issuer, then config (inert until the restart), Certificate, issuance,
// restart, wait, verify; undone (Certificate deleted, backup put back) on failure.
import type { CommandContext } from '../../framework/context.ts';
import type { Client } from '../../kube/client.ts';
import { readClusterDomain } from '../../read/cluster-domain.ts';
import {
  CERT_MANAGER_INSTALL_DOCS,
  CERTIFICATE_CRD,
  certManagerInstalled,
  certificateTarget,
  createCertificate,
  deleteCertificate,
  journalIssuedSecret,
  listCertificates,
  readCertificateObject,
  readIssuer,
  type CertificateObject,
  type IssuerInfo,
} from '../../kube/cert-manager.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readInstallation } from '../../read/snapshot.ts';
import { writeControllerConfig } from '../../change/controller-writes.ts';
import { ExitCode, InputError } from '../../errors.ts';
import { antreaCertificate, defaultRenewBefore } from '../../antrea/cert-manager-certificate.ts';
import { configMissing, helmRevertsSwitch, setSelfSignedCert } from '../../antrea/config.ts';
import { modeOf } from '../../antrea/mode.ts';
import { SELF_SIGNED_REGENERATE_WITHIN_MS, TLS_SECRET } from '../../antrea/names.ts';
import { reloadWaitNote } from '../../antrea/reload.ts';
import { servingDnsNames } from '../../antrea/serving-certificate.ts';
import { carryOut } from '../../change/carry-out.ts';
import type { Change } from '../../change/change.ts';
import type { GenerateOptions, GenerateTarget } from './command.ts';
import { waitForIssuance } from './issuance.ts';
import { domainFrom, readServiceNames, type ServiceNames } from './target.ts';

type CertManagerTarget = Extract<GenerateTarget, { kind: 'cert-manager' }>;

const NOTHING = 'Nothing was written.';

function certificateFor(
  options: GenerateOptions,
  target: CertManagerTarget,
  names: ServiceNames,
): CertificateObject {
  return antreaCertificate({
    namespace: names.namespace,
    dnsNames: servingDnsNames(names.namespace, names.clusterDomain, options.extraDnsNames),
    ipAddresses: options.ipAddresses,
    issuer: target.issuer,
    keyAlgorithm: options.keyAlgorithm,
    durationMs: options.validityMs,
    renewBeforeMs: target.renewBeforeMs ?? defaultRenewBefore(options.validityMs),
  });
}

/** Prints the Certificate (YAML unless -o json), or applies it with --apply. */
export async function certManagerCertificate(
  ctx: CommandContext,
  options: GenerateOptions,
  target: CertManagerTarget,
): Promise<ExitCode> {
  if (target.apply) return applyCertificate(ctx, options, target);
  const names = await readServiceNames(ctx, options);
  const { renderData } = await import('../../render/data.ts');
  ctx.print(
    renderData(
      certificateFor(options, target, names),
      ctx.flags.output === 'json' ? 'json' : 'yaml',
    ),
  );
  return ExitCode.ok;
}

/** Why the issuer cannot make a pair Antrea can use; undefined when it can. */
function issuerProblem(
  issuer: IssuerInfo | undefined,
  target: CertManagerTarget,
  ns: string,
): string | undefined {
  const { kind, name } = target.issuer;
  const where = kind === 'Issuer' ? ` in namespace ${ns}` : '';
  if (!issuer) {
    return `there is no ${kind} ${name}${where}; create it (or name another with --issuer, --issuer-kind). ${NOTHING}`;
  }
  if (!issuer.ready) {
    return `${kind} ${name}${where} is not Ready (${issuer.why ?? 'no reason given'}); fix it first. ${NOTHING}`;
  }
  if (issuer.type === 'acme') {
    return (
      `${kind} ${name} is an ACME issuer: an ACME CA cannot validate the cluster-internal names ` +
      `antrea.${ns}.svc and leaves ca.crt empty, which user-provided mode needs; use a CA issuer. ${NOTHING}`
    );
  }
  return undefined;
}

/** Who else manages the Secret (Helm) or writes it (another Certificate); undefined when nobody. */
function ownershipProblem(
  inst: Installation,
  certificates: readonly CertificateObject[],
  force: boolean,
): string | undefined {
  const secretName = inst.deployment.secretName;
  const writer = certificates.find((c) => c.spec?.secretName === secretName);
  if (writer) {
    return (
      `cert-manager Certificate ${writer.metadata?.name ?? ''} already writes Secret ${secretName}; ` +
      'renew it with kubectl antrea-certs rotate, or delete it before making a new one. ' +
      NOTHING
    );
  }
  const secret = inst.tlsSecret;
  const helm =
    secret?.labels['app.kubernetes.io/managed-by'] === 'Helm' ||
    Object.keys(secret?.annotations ?? {}).some((k) => k.startsWith('meta.helm.sh/'));
  if (helm && !force) {
    return (
      `Helm manages Secret ${secretName}: the next helm upgrade would overwrite what cert-manager ` +
      `writes; remove it from the chart's values, or pass --force. ${NOTHING}`
    );
  }
  return undefined;
}

async function applyCertificate(
  ctx: CommandContext,
  options: GenerateOptions,
  target: CertManagerTarget,
): Promise<ExitCode> {
  const client = await ctx.connect();
  const [inst, domain, installed] = await Promise.all([
    readInstallation(client, ctx.flags.namespace),
    options.clusterDomain ? undefined : readClusterDomain(client),
    certManagerInstalled(client),
  ]);
  if (installed === false) {
    throw new InputError(
      `cert-manager is not installed (there is no CustomResourceDefinition ${CERTIFICATE_CRD}); ` +
        `install it first: ${CERT_MANAGER_INSTALL_DOCS}. ${NOTHING}`,
    );
  }
  const ns = inst.namespace;
  const [issuer, certificates] = await Promise.all([
    readIssuer(client, target.issuer.kind, target.issuer.name, ns),
    listCertificates(client, ns),
  ]);
  const refused =
    issuerProblem(issuer, target, ns) ?? ownershipProblem(inst, certificates, target.force);
  if (refused) throw new InputError(refused);
  if (issuer?.type === 'selfSigned') {
    ctx.note(
      `‼ ${target.issuer.kind} ${target.issuer.name} is self-signed: ca.crt will be the serving certificate ` +
        'itself, so every renewal changes the CA (the controller republishes it).',
    );
  }
  const names: ServiceNames = {
    namespace: ns,
    namespaceSource: inst.namespaceSource,
    ...domainFrom(ctx, options, domain),
  };
  const planning = { ctx, client, options, target, names };
  const change = planApply(planning, inst);
  return (await carryOut(ctx, client, inst, change, target.change)).exitCode;
}

interface Planning {
  readonly ctx: CommandContext;
  readonly client: Client;
  readonly options: GenerateOptions;
  readonly target: CertManagerTarget;
  readonly names: ServiceNames;
}

function planApply(planning: Planning, inst: Installation): Change {
  const { ctx, client, options, target, names } = planning;
  const ns = inst.namespace;
  const mode = modeOf(inst);
  const switching = mode.mode !== 'user-provided';
  const conf = inst.config;
  if (switching && conf?.text === undefined) {
    throw new InputError(configMissing(inst.deployment.configMapName));
  }
  if (
    switching &&
    mode.selfSignedStorage === 'secret' &&
    options.validityMs <= SELF_SIGNED_REGENERATE_WITHIN_MS + 86_400_000
  ) {
    throw new InputError(
      'the controller is in self-signed mode and replaces a pair in its Secret with 90 days or less left ' +
        'as soon as cert-manager writes it; give --validity longer than 91d (the default is 365d). ' +
        NOTHING,
    );
  }
  if (switching && mode.helmManaged) {
    ctx.note(helmRevertsSwitch(false));
  }
  const secretName = inst.deployment.secretName;
  const body = certificateFor(options, target, names);
  if (secretName !== TLS_SECRET && body.spec) body.spec.secretName = secretName;
  const name = body.metadata?.name ?? TLS_SECRET;
  const editedConf =
    switching && conf?.text !== undefined ? setSelfSignedCert(conf.text, false) : undefined;
  const issuance = { namespace: ns, secretName, certificate: name };
  let created: { uid: string } | undefined;
  const undo = async () => {
    if (!created) return;
    const current = await readCertificateObject(client, ns, name);
    const meta = current.object?.metadata;
    if (meta?.uid === created.uid) {
      await deleteCertificate(client, ns, name, meta.resourceVersion ?? '');
    }
    created = undefined;
  };
  return {
    lines: [
      `Certificate ${name} (cert-manager.io/v1): created, issued by ${target.issuer.kind} ` +
        `${target.issuer.name}, duration ${body.spec?.duration}, renewBefore ${body.spec?.renewBefore}`,
      `Secret ${secretName}: written by cert-manager (tls.crt, tls.key, ca.crt); the plugin waits for it`,
      ...(switching ? [`ConfigMap ${conf?.name}: selfSignedCert true -> false`] : []),
    ],
    restarts: switching,
    ...(switching ? {} : { waitNote: reloadWaitNote() }),
    goal: { caFromSecret: true, servedMatchesSecret: true },
    wait: { extraTargets: [certificateTarget(ns, name)] },
    apply: async (dryRun, signal) => {
      // The config first: the running controller reads it only at start, so it is inert until the restart.
      if (editedConf !== undefined && conf)
        await writeControllerConfig(client, ns, conf, editedConf, dryRun);
      const made = await createCertificate(client, body, dryRun);
      if (dryRun !== 'none') return;
      created = { uid: made.metadata?.uid ?? '' };
      try {
        await waitForIssuance(ctx, client, issuance, target.change.timeoutMs, signal);
      } catch (error) {
        await undo();
        throw error;
      } finally {
        await journalIssuedSecret(client, ns, secretName, name);
      }
    },
    undo,
  };
}
