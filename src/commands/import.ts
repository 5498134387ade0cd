// kubectl antrea-certs import: bring your own certificate, checked before anything is written.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../cli/context.ts';
import type { ImportFlags } from '../cli/options.ts';

import { InputError, UsageError, type ExitCode } from '../errors.ts';
import { Sensitive } from '../sensitive.ts';
import { readInstallation, type Installation } from '../cluster/installation.ts';
import { writeTlsSecret, writeConfigMapKey } from '../cluster/writes.ts';
import { preflight, type Finding } from '../certs/preflight.ts';
import { storableKey } from '../certs/keys.ts';
import { modeOf } from '../report/status.ts';
import { serviceDnsName, CONTROLLER } from '../antrea/names.ts';
import { setSelfSignedCert } from '../antrea/config.ts';
import { carryOut, type Change, type ChangeOptions } from './change.ts';
import type { Certificate } from '../certs/certificate.ts';

interface Files {
  readonly cert: { pem: string; source: string };
  readonly key: { pem: Sensitive; source: string; passphrase?: Sensitive };
  readonly ca: { pem: string; source: string };
}

export function readInput(path: string, flag: string): Buffer {
  if (!existsSync(path))
    throw new InputError(`the file ${path} given with ${flag} does not exist.`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InputError(
      `cannot read ${path} given with ${flag} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`,
    );
  }
}

function readFiles(flags: ImportFlags): Files {
  const dir = flags['from-dir'];
  if (dir && (flags.cert || flags.key || flags.ca))
    throw new UsageError('give either --from-dir or --cert, --key and --ca, not both.');
  const paths = dir
    ? {
        cert: join(dir, 'tls.crt'),
        key: join(dir, 'tls.key'),
        ca: join(dir, 'ca.crt'),
        flag: '--from-dir',
      }
    : { cert: flags.cert, key: flags.key, ca: flags.ca, flag: '' };
  const missing = (['cert', 'key', 'ca'] as const).filter((k) => !paths[k]);
  if (missing.length)
    throw new UsageError(
      `import needs ${missing.map((k) => `--${k}`).join(', ')} (or --from-dir DIR holding tls.crt, tls.key and ca.crt).`,
    );
  const flag = (k: 'cert' | 'key' | 'ca') => paths.flag || `--${k}`;
  const passphraseFile = flags['key-passphrase-file'];
  const passphrase = passphraseFile
    ? new Sensitive(
        readInput(passphraseFile, '--key-passphrase-file')
          .toString('utf8')
          .replace(/\r?\n$/, ''),
      )
    : undefined;
  return {
    cert: {
      pem: readInput(paths.cert ?? '', flag('cert')).toString('latin1'),
      source: paths.cert ?? '',
    },
    key: {
      pem: new Sensitive(readInput(paths.key ?? '', flag('key')).toString('latin1')),
      source: paths.key ?? '',
      ...(passphrase ? { passphrase } : {}),
    },
    ca: { pem: readInput(paths.ca ?? '', flag('ca')).toString('latin1'), source: paths.ca ?? '' },
  };
}

const describeCert = (c: Certificate) =>
  `${c.info.subject}, SHA-256 ${c.info.sha256.slice(0, 16)}…, expires ${c.info.notAfter.slice(0, 10)}`;

export function printFindings(ctx: CommandContext, findings: readonly Finding[]): void {
  for (const f of findings)
    ctx.note(`  ${f.severity === 'error' ? ctx.style.bad('×') : ctx.style.warn('‼')} ${f.message}`);
}

/** `read`: the installation when the caller (rotate) has just read it, to spare a second round. */
export async function importPair(
  ctx: CommandContext,
  flags: ImportFlags,
  change: ChangeOptions,
  read?: Installation,
  verified?: (installation: Installation) => void,
): Promise<ExitCode> {
  const files = readFiles(flags);
  const client = await ctx.connect();
  const inst = read ?? (await readInstallation(client, ctx.flags.namespace));
  return carryOut(ctx, client, inst, planImport(inst, false), change, verified);

  function planImport(inst: Installation, quiet: boolean): Change {
    const ns = inst.namespace;
    const result = preflight({
      cert: files.cert,
      key: files.key,
      ca: files.ca,
      requiredName: serviceDnsName(ns),
      recommendedNames: [`${serviceDnsName(ns)}.${flags['cluster-domain'] ?? 'cluster.local'}`],
      now: new Date(),
      failWithinMs: change.failWithinMs,
    });
    const errors = result.findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      ctx.note('Preflight found these problems:');
      printFindings(ctx, result.findings);
      throw new InputError(
        `${errors.length} problem${errors.length === 1 ? '' : 's'} with the certificate files; nothing was written to the cluster.`,
      );
    }
    if (result.findings.length && !quiet) {
      ctx.note('Preflight warnings:');
      printFindings(ctx, result.findings);
    }
    const mode = modeOf(inst);
    const switching = flags.mode === 'user-provided' && mode.mode !== 'user-provided';
    if (mode.mode === 'self-signed' && !switching) {
      throw new InputError(
        'the controller is in self-signed mode: it would take this pair as its "self-signed" one only while 90+ days remain (and publish tls.crt, not ca.crt, as the CA), or ignore it (Antrea before v2.0); add --mode user-provided to switch in the same run. Nothing was written.',
      );
    }
    if (mode.certManagerCertificate && !flags.force) {
      throw new InputError(
        `cert-manager owns Secret ${inst.deployment.secretName} (Certificate ${mode.certManagerCertificate}) and would overwrite the import; change the Certificate instead, or pass --force. Nothing was written.`,
      );
    }
    if (switching && mode.helmManaged && !quiet) {
      ctx.note(
        '‼ Antrea is managed by Helm: the next helm upgrade reverts the switch unless you set --set controller.selfSignedCert=false.',
      );
    }
    const conf = inst.config;
    if (switching && conf?.text === undefined)
      throw new InputError(
        `ConfigMap ${inst.deployment.configMapName} with ${CONTROLLER.configKey} was not found; cannot switch the mode.`,
      );
    const editedConf =
      switching && conf?.text !== undefined ? setSelfSignedCert(conf.text, false) : undefined;
    const leaf = result.leaf;
    const secretName = inst.deployment.secretName;
    return {
      lines: [
        `Secret ${secretName}${inst.tlsSecret ? '' : ' (created, type kubernetes.io/tls)'}: tls.crt ${leaf ? describeCert(leaf) : ''}`,
        `Secret ${secretName}: ca.crt ${result.cas.map(describeCert).join('; ')}`,
        `Secret ${secretName}: tls.key replaced (not shown)`,
        ...(switching
          ? [
              `ConfigMap ${conf?.name}: selfSignedCert ${mode.mode === 'self-signed' ? 'true' : 'false'} -> false`,
            ]
          : []),
      ],
      restarts: switching,
      ...(switching
        ? {}
        : {
            waitNote:
              'The kubelet refreshes the Secret volume within about a minute and the controller reloads the files within another: the wait lasts until the controller serves the new certificate (seen through a port-forward to its Pod).',
          }),
      goal: { expectedCa: files.ca.pem, servedMatchesSecret: true },
      apply: async (dryRun) => {
        await writeTlsSecret(
          client,
          ns,
          secretName,
          {
            'ca.crt': files.ca.pem,
            'tls.crt': files.cert.pem,
            'tls.key': storableKey(files.key.pem, files.key.passphrase),
          },
          inst.tlsSecret,
          dryRun,
        );
        if (editedConf !== undefined && conf)
          await writeConfigMapKey(
            client,
            ns,
            conf.name,
            CONTROLLER.configKey,
            editedConf,
            conf.resourceVersion,
            dryRun,
          );
      },
      replan: async () => planImport(await readInstallation(client, ctx.flags.namespace), true),
    };
  }
}
