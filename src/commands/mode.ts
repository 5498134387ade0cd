// kubectl antrea-certs mode [self-signed|user-provided]: show or switch selfSignedCert safely.
import type { CommandContext } from '../cli/context.ts';
import type { ModeFlags } from '../cli/options.ts';

import { ExitCode, InputError } from '../errors.ts';
import { readInstallation, type Installation } from '../cluster/installation.ts';
import { writeConfigMapKey, deleteSecret } from '../cluster/writes.ts';
import { preflight } from '../certs/preflight.ts';
import { modeOf } from '../report/status.ts';
import { describeMode, type Mode } from '../antrea/mode.ts';
import { serviceDnsName, CONTROLLER } from '../antrea/names.ts';
import { setSelfSignedCert } from '../antrea/config.ts';
import { renderData } from '../render/data.ts';
import { carryOut, type Change, type ChangeOptions } from './change.ts';
import { printFindings } from './import.ts';

export async function mode(
  ctx: CommandContext,
  target: Mode | undefined,
  flags: ModeFlags,
  change: ChangeOptions,
): Promise<ExitCode> {
  const client = await ctx.connect();
  const inst = await readInstallation(client, ctx.flags.namespace);
  const current = modeOf(inst);
  const secretName = inst.deployment.secretName;
  if (!target) {
    if (ctx.output === 'json' || ctx.output === 'yaml')
      ctx.print(
        renderData(
          {
            namespace: inst.namespace,
            mode: current.mode,
            selfSignedPairStorage: current.pairStorage ?? null,
            explicit: current.explicit,
          },
          ctx.output,
        ),
      );
    else ctx.print(`${describeMode(current, secretName)}\n`);
    return ExitCode.ok;
  }
  if (target === current.mode) {
    ctx.note(`The controller is already in ${target} mode; nothing to do.`);
    return ExitCode.ok;
  }
  return carryOut(ctx, client, inst, plan(inst, false), change);

  function plan(inst: Installation, quiet: boolean): Change {
    const current = modeOf(inst);
    const secretName = inst.deployment.secretName;
    const conf = inst.config;
    if (conf?.text === undefined)
      throw new InputError(
        `ConfigMap ${inst.deployment.configMapName} with ${CONTROLLER.configKey} was not found; cannot switch the mode.`,
      );
    const ns = inst.namespace;
    const secret = inst.tlsSecret;
    let deleteUserPair = false;

    if (target === 'user-provided') {
      const result = preflight({
        cert: { pem: secret?.cert, source: `the tls.crt of Secret ${secretName}` },
        key: { pem: secret?.key, source: `the tls.key of Secret ${secretName}` },
        ca: { pem: secret?.ca, source: `the ca.crt of Secret ${secretName}` },
        requiredName: serviceDnsName(ns),
        recommendedNames: [],
        now: new Date(),
        failWithinMs: change.failWithinMs,
      });
      if (!result.ok && !flags.force) {
        ctx.note(`Secret ${secretName} is not ready for user-provided mode:`);
        printFindings(ctx, result.findings);
        throw new InputError(
          `switching now would leave antrea-controller crash-looping; import a pair first: kubectl antrea-certs import --cert tls.crt --key tls.key --ca ca.crt --mode user-provided. Nothing was written.`,
        );
      }
    } else if (secret?.ca && current.selfSignedStorage !== 'pod') {
      if (!flags.regenerate) {
        throw new InputError(
          `Secret ${secretName} holds a user-provided pair: in self-signed mode the controller would keep serving it while 90+ days remain, and publish its tls.crt as the CA. Pass --regenerate to delete it (after the backup) so the controller makes a fresh self-signed pair. Nothing was written.`,
        );
      }
      deleteUserPair = true;
    }
    const editedConf = setSelfSignedCert(conf.text ?? '', target === 'self-signed');
    if (current.helmManaged && !quiet) {
      ctx.note(
        `‼ Antrea is managed by Helm: the next helm upgrade reverts this switch unless you set --set controller.selfSignedCert=${target === 'self-signed'}.`,
      );
    }
    return {
      lines: [
        `ConfigMap ${conf.name}: selfSignedCert ${current.mode === 'self-signed'} -> ${target === 'self-signed'}`,
        ...(deleteUserPair
          ? [`Secret ${secretName}: deleted, so that the controller makes a fresh self-signed pair`]
          : []),
      ],
      restarts: true,
      goal:
        target === 'user-provided'
          ? { expectedCa: secret?.ca ?? '', servedMatchesSecret: true }
          : inst.caConfigMap?.bundle
            ? { caDiffersFrom: inst.caConfigMap.bundle }
            : {},
      apply: async (dryRun) => {
        await writeConfigMapKey(
          client,
          ns,
          conf.name,
          CONTROLLER.configKey,
          editedConf,
          conf.resourceVersion,
          dryRun,
        );
        if (deleteUserPair && secret)
          await deleteSecret(client, ns, secret.name, secret.resourceVersion, dryRun);
      },
      replan: async () => plan(await readInstallation(client, ctx.flags.namespace), true),
    };
  }
}
