// Waiting for cert-manager to issue a new Certificate into the Secret: the
// Secret must carry tls.crt, tls.key and ca.crt written for this Certificate,
// and the Certificate must say Ready.
import type { CommandContext } from '../../cli/context.ts';
import type { Client } from '../../cluster/client.ts';
import { readCertificateObject } from '../../cluster/cert-manager.ts';
import { isNotFound } from '../../cluster/errors.ts';
import { CERT_MANAGER_CERTIFICATE_ANNOTATION, TLS_KEYS } from '../../antrea/names.ts';
import { InputError, TimeoutError } from '../../errors.ts';
import { createProgress } from '../../render/progress.ts';

const POLL_MS = 500;

/** What the Secret lacks, or why the Certificate is not Ready; undefined once issued. */
async function notIssuedYet(
  client: Client,
  namespace: string,
  secretName: string,
  certificate: string,
): Promise<string | undefined> {
  const [secret, read] = await Promise.all([
    client
      .secrets(namespace)
      .get(secretName)
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      }),
    readCertificateObject(client, namespace, certificate),
  ]);
  const ready = read.object?.status?.conditions?.find((c) => c.type === 'Ready');
  const owner = secret?.metadata?.annotations?.[CERT_MANAGER_CERTIFICATE_ANNOTATION];
  const data = secret?.data ?? {};
  if (owner !== certificate || !data[TLS_KEYS.cert] || !data[TLS_KEYS.key]) {
    const why =
      ready?.status === 'False' && ready.reason
        ? ` (Ready=False, ${ready.reason}: ${ready.message ?? ''})`
        : '';
    return `cert-manager to issue Certificate ${certificate} into Secret ${secretName}${why}`;
  }
  if (ready?.status !== 'True') return `Certificate ${certificate} to be Ready`;
  if (!data[TLS_KEYS.ca]) {
    throw new InputError(
      `cert-manager issued Secret ${secretName} without ca.crt: its issuer does not publish the CA ` +
        '(ACME and some external issuers do not), and user-provided mode needs it; use a CA Issuer.',
    );
  }
  return undefined;
}

/** Polls until the Certificate is issued; a TimeoutError says what was last missing. */
export async function waitForIssuance(
  ctx: CommandContext,
  client: Client,
  where: { namespace: string; secretName: string; certificate: string },
  timeoutMs: number,
): Promise<void> {
  const progress = await createProgress(ctx.stderr, true);
  const deadline = Date.now() + timeoutMs;
  let left: string | undefined = 'the first read';
  try {
    for (;;) {
      left = await notIssuedYet(client, where.namespace, where.secretName, where.certificate);
      if (!left) {
        progress.done(
          `cert-manager issued Certificate ${where.certificate} into Secret ${where.secretName}`,
        );
        return;
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
