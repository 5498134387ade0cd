// Waiting for cert-manager to issue a new Certificate into the Secret: the
// Secret must carry tls.crt, tls.key and ca.crt written for this Certificate,
// and the Certificate must say Ready.
import type { CommandContext } from '../../framework/context.ts';
import type { Client } from '../../kube/client.ts';
import { readCertificateObject, readIssuedSecret } from '../../kube/cert-manager.ts';
import { InputError, InterruptedError, TimeoutError } from '../../errors.ts';
import { createProgress } from '../../framework/progress.ts';

const POLL_MS = 500;

/** Which Certificate, and the Secret it writes. */
export interface Issuance {
  readonly namespace: string;
  readonly secretName: string;
  readonly certificate: string;
}

/** What the Secret lacks, or why the Certificate is not Ready; undefined once issued. */
async function notIssuedYet(client: Client, where: Issuance): Promise<string | undefined> {
  const [secret, read] = await Promise.all([
    readIssuedSecret(client, where.namespace, where.secretName),
    readCertificateObject(client, where.namespace, where.certificate),
  ]);
  const ready = read.object?.status?.conditions?.find((c) => c.type === 'Ready');
  if (secret?.owner !== where.certificate || !secret.hasCert || !secret.hasKey) {
    const why =
      ready?.status === 'False' && ready.reason
        ? ` (Ready=False, ${ready.reason}: ${ready.message ?? ''})`
        : '';
    return `cert-manager to issue Certificate ${where.certificate} into Secret ${where.secretName}${why}`;
  }
  if (ready?.status !== 'True') return `Certificate ${where.certificate} to be Ready`;
  if (!secret.hasCa) {
    throw new InputError(
      `cert-manager issued Secret ${where.secretName} without ca.crt: its issuer does not publish the CA ` +
        '(ACME and some external issuers do not), and user-provided mode needs it; use a CA Issuer.',
    );
  }
  return undefined;
}

/** Polls until the Certificate is issued; a TimeoutError says what was last missing, a signal stops it. */
export async function waitForIssuance(
  ctx: CommandContext,
  client: Client,
  where: Issuance,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const progress = await createProgress(ctx.stderr, true);
  const deadline = Date.now() + timeoutMs;
  let left: string | undefined = 'the first read';
  try {
    for (;;) {
      left = await notIssuedYet(client, where);
      if (!left) {
        progress.done(
          `cert-manager issued Certificate ${where.certificate} into Secret ${where.secretName}`,
        );
        return;
      }
      if (signal?.aborted) {
        const by = signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
        throw new InterruptedError(`interrupted (${by}) while waiting for ${left}`, by, left);
      }
      if (Date.now() >= deadline) {
        throw new TimeoutError(
          `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${left}.`,
          left,
        );
      }
      progress.update(`waiting for ${left}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
    }
  } catch (error) {
    progress.fail(`stopped waiting for ${left ?? 'cert-manager'}`);
    throw error;
  }
}
