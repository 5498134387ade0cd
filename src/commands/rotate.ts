// kubectl antrea-certs rotate: a new certificate now, in every mode, and wait until the cluster uses it.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { CommandContext } from '../cli/context.ts';
import type { RotateFlags, ImportFlags } from '../cli/options.ts';
import { InputError, UsageError, type ExitCode } from '../errors.ts';
import { Sensitive } from '../sensitive.ts';
import { readInstallation, type Installation } from '../cluster/installation.ts';
import type { Client } from '../cluster/client.ts';
import { deleteSecret, writeTlsSecret } from '../cluster/writes.ts';
import { modeOf, tryParse, servingChain } from '../report/status.ts';
import { parseCertificates, type Certificate } from '../certs/certificate.ts';
import { parsePrivateKey } from '../certs/keys.ts';
import { preflight } from '../certs/preflight.ts';
import { issueServingCertificate, type KeyAlgorithm } from '../certs/issue.ts';
import { serviceDnsName, CA_CONFIGMAP } from '../antrea/names.ts';
import { carryOut, type Change, type ChangeOptions } from './change.ts';
import {
  readCertificate,
  issuingCondition,
  triggerIssuance,
  certificateTarget,
} from '../cluster/cert-manager.ts';
import { importPair, printFindings, readInput } from './import.ts';
import { table } from '../render/table.ts';

const read = (path: string, flag: string) => readInput(path, flag).toString('latin1');

const brief = (c: Certificate | undefined) =>
  c
    ? [c.info.serialNumber.slice(0, 16), c.info.sha256.slice(0, 16), c.info.notAfter.slice(0, 10)]
    : ['-', '-', '-'];

function servingAndCa(inst: Installation): { serving?: Certificate; ca?: Certificate } {
  return {
    serving: servingChain(inst, modeOf(inst))?.certs[0],
    ca: tryParse(inst.caConfigMap?.bundle, CA_CONFIGMAP).certs.find((c) => c.info.isCA),
  };
}

export async function rotate(
  ctx: CommandContext,
  flags: RotateFlags,
  validityMs: number,
  change: ChangeOptions,
): Promise<ExitCode> {
  const withFiles = Boolean(flags.cert || flags.key || flags.ca);
  const withCa = Boolean(flags['ca-cert'] || flags['ca-key']);
  if (withFiles && withCa)
    throw new UsageError(
      'give either --cert, --key and --ca, or --ca-cert and --ca-key, not both.',
    );
  if (withCa && !(flags['ca-cert'] && flags['ca-key']))
    throw new UsageError('--ca-cert and --ca-key go together.');

  const client = await ctx.connect();
  const inst = await readInstallation(client, ctx.flags.namespace);
  const mode = modeOf(inst);
  const before = servingAndCa(inst);
  let after: Installation | undefined;
  const verified = (installation: Installation) => void (after = installation);
  let result: ExitCode;
  if (mode.certManagerCertificate) {
    if (withFiles || withCa)
      throw new UsageError(
        `cert-manager owns Secret ${inst.deployment.secretName} (Certificate ${mode.certManagerCertificate}): rotate renews it through cert-manager and takes no files.`,
      );
    result = await carryOut(
      ctx,
      client,
      inst,
      await renewWithCertManager(
        client,
        inst,
        mode.certManagerCertificate,
        mode.mode === 'user-provided',
      ),
      change,
      verified,
    );
  } else if (mode.mode === 'user-provided') {
    if (withFiles) {
      const files = {
        cert: flags.cert,
        key: flags.key,
        ca: flags.ca,
        'key-passphrase-file': flags['key-passphrase-file'],
        'cluster-domain': flags['cluster-domain'],
        force: false,
      };
      result = await importPair(ctx, files as ImportFlags, change, inst, verified);
    } else if (withCa) {
      result = await carryOut(
        ctx,
        client,
        inst,
        await issueFromCa(ctx, client, inst, flags, validityMs, change),
        change,
        verified,
      );
    } else {
      throw new UsageError(
        'in user-provided mode, rotate needs new files (--cert, --key, --ca) or the CA to issue from (--ca-cert, --ca-key).',
      );
    }
  } else {
    if (withFiles || withCa)
      throw new UsageError(
        'the controller is in self-signed mode: it makes its own pair, so rotate takes no files (to bring your own, use import --mode user-provided).',
      );
    result = await carryOut(ctx, client, inst, planSelfSigned(client, inst), change, verified);
  }

  // The installation the closing checks read: no read of its own.
  if (after) {
    const now = servingAndCa(after);
    ctx.note(
      table(
        [
          ['', 'SERIAL', 'SHA-256', 'EXPIRES'],
          ['serving certificate, before', ...brief(before.serving)],
          ['serving certificate, after', ...brief(now.serving)],
          ['CA, before', ...brief(before.ca)],
          ['CA, after', ...brief(now.ca)],
        ],
        ctx.width,
      ).join('\n'),
    );
  }
  return result;
}

/** Self-signed: the controller makes the new pair, after the Secret is deleted (pair persisted) or on a restart (pair in the Pod). */
function planSelfSigned(client: Client, inst: Installation): Change {
  const secret = inst.tlsSecret;
  const persisted = modeOf(inst).pairStorage === 'secret';
  const goal = inst.caConfigMap?.bundle ? { caDiffersFrom: inst.caConfigMap.bundle } : {};
  const replan = async () => planSelfSigned(client, await readInstallation(client, inst.namespace));
  if (persisted && secret) {
    return {
      lines: [
        `Secret ${secret.name}: deleted; the controller sees it gone and writes and publishes a new self-signed pair`,
      ],
      restarts: false,
      goal,
      apply: (dryRun) =>
        deleteSecret(client, inst.namespace, secret.name, secret.resourceVersion, dryRun),
      replan,
    };
  }
  if (persisted) {
    // An earlier rotate deleted it and stopped before the controller wrote the new pair (the API server went away, say).
    return {
      lines: [
        `Secret ${inst.deployment.secretName} is already gone: nothing to write; the controller writes and publishes a new self-signed pair when it sees that`,
      ],
      restarts: false,
      goal,
      apply: () => Promise.resolve(),
    };
  }
  return {
    lines: ['the self-signed pair lives in the controller Pod: a restart makes a new one'],
    restarts: true,
    goal,
    apply: () => Promise.resolve(),
  };
}

async function renewWithCertManager(
  client: Client,
  inst: Installation,
  name: string,
  userProvided: boolean,
): Promise<Change> {
  const certificate = await readCertificate(client, inst.namespace, name);
  const secretName = inst.deployment.secretName;
  if (certificate.secretName && certificate.secretName !== secretName) {
    throw new InputError(
      `cert-manager Certificate ${name} writes Secret ${certificate.secretName}, not ${secretName} which the controller mounts; fix the Certificate's secretName. Nothing was written.`,
    );
  }
  const issuing = issuingCondition(certificate);
  const inProgress = issuing?.status === 'True';
  const oldCert = inst.tlsSecret?.cert ?? '';
  return {
    lines: [
      inProgress
        ? `Certificate ${name}: cert-manager is already issuing (Issuing=True, ${issuing?.reason ?? 'no reason'}): nothing to write, waiting for it`
        : `Certificate ${name}: status condition Issuing=True, reason ManuallyTriggered (as cmctl renew); cert-manager then issues a new certificate into Secret ${secretName}`,
    ],
    restarts: false,
    waitNote: `cert-manager issues the certificate; then the kubelet refreshes the Secret volume within about a minute and the controller reloads the files within another${userProvided ? ': the wait lasts until the controller serves it (seen through a port-forward to its Pod)' : ''}.`,
    goal: {
      secretCertDiffersFrom: oldCert,
      ...(userProvided ? { caFromSecret: true, servedMatchesSecret: true } : {}),
    },
    wait: { extraTargets: [certificateTarget(inst.namespace, name)] },
    apply: (dryRun) =>
      inProgress ? Promise.resolve() : triggerIssuance(client, certificate, dryRun, new Date()),
    replan: async () =>
      renewWithCertManager(
        client,
        await readInstallation(client, inst.namespace),
        name,
        userProvided,
      ),
  };
}

async function issueFromCa(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  flags: RotateFlags,
  validityMs: number,
  change: ChangeOptions,
): Promise<Change> {
  const secret = inst.tlsSecret;
  const current = tryParse(secret?.cert, 'the current tls.crt').certs[0];
  if (!secret || !current)
    throw new InputError(
      `Secret ${inst.deployment.secretName} holds no serving certificate to renew; use rotate --cert/--key/--ca or import.`,
    );
  const caPem = read(flags['ca-cert'] ?? '', '--ca-cert');
  const caCerts = parseCertificates(caPem, flags['ca-cert'] ?? '--ca-cert');
  const passphrase = flags['key-passphrase-file']
    ? new Sensitive(
        read(flags['key-passphrase-file'], '--key-passphrase-file').replace(/\r?\n$/, ''),
      )
    : undefined;
  const caKey = parsePrivateKey(new Sensitive(read(flags['ca-key'] ?? '', '--ca-key')), passphrase);
  if (typeof caKey === 'string')
    throw new InputError(`${flags['ca-key']} cannot be used: ${caKey}.`);
  const ca = caCerts.find((c) => c.info.isCA && keyMatchesCertificateKey(caKey, c));
  if (!ca)
    throw new InputError(
      `${flags['ca-cert']} holds no CA certificate whose key is ${flags['ca-key']}; nothing was written.`,
    );
  let key: { generate: KeyAlgorithm } | { keep: KeyObject };
  if (flags['keep-key']) {
    const kept = secret.key ? parsePrivateKey(secret.key) : 'there is no tls.key';
    if (typeof kept === 'string')
      throw new InputError(`--keep-key: the current tls.key cannot be used (${kept}).`);
    key = { keep: kept };
  } else {
    const algorithm =
      flags['key-algorithm'] ??
      (current.info.keyAlgorithm === 'ECDSA'
        ? 'ecdsa-p256'
        : (current.info.keySize ?? 0) > 2048
          ? 'rsa-4096'
          : 'rsa-2048');
    key = { generate: algorithm };
  }
  let issued;
  try {
    issued = await issueServingCertificate({
      template: current,
      ca,
      caKey,
      key,
      validityMs,
      now: new Date(),
    });
  } catch (error) {
    throw new InputError(`cannot issue from ${flags['ca-cert']}: ${(error as Error).message}.`);
  }
  const ns = inst.namespace;
  const check = preflight({
    cert: { pem: issued.certPem, source: 'the new certificate' },
    key: { pem: issued.keyPem, source: 'the new key' },
    ca: { pem: caPem, source: flags['ca-cert'] ?? '--ca-cert' },
    requiredName: serviceDnsName(ns),
    recommendedNames: [`${serviceDnsName(ns)}.${flags['cluster-domain'] ?? 'cluster.local'}`],
    now: new Date(),
    failWithinMs: change.failWithinMs,
  });
  if (!check.ok) {
    printFindings(ctx, check.findings);
    throw new InputError(
      'the certificate issued from that CA would not be usable (see above); nothing was written.',
    );
  }
  const newLeaf = parseCertificates(issued.certPem, 'the new certificate')[0];
  return {
    lines: [
      `Secret ${secret.name}: tls.crt ${newLeaf?.info.subject}, SHA-256 ${newLeaf?.info.sha256.slice(0, 16)}…, expires ${newLeaf?.info.notAfter.slice(0, 10)}, issued by ${ca.info.subject}`,
      `Secret ${secret.name}: tls.key ${'keep' in key ? 'kept' : `new ${key.generate} key (not shown)`}`,
      `Secret ${secret.name}: ca.crt ${ca.info.subject}`,
    ],
    restarts: false,
    waitNote:
      'The kubelet refreshes the Secret volume within about a minute and the controller reloads the files within another: the wait lasts until the controller serves the new certificate (seen through a port-forward to its Pod); with an unchanged CA clients keep working meanwhile.',
    goal: { expectedCa: caPem, servedMatchesSecret: true },
    apply: (dryRun) =>
      writeTlsSecret(
        client,
        ns,
        secret.name,
        { 'ca.crt': caPem, 'tls.crt': issued.certPem, 'tls.key': issued.keyPem },
        secret,
        dryRun,
      ),
  };
}

const keyMatchesCertificateKey = (key: KeyObject, cert: Certificate) =>
  createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(cert.publicKeyDer());
