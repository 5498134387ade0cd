// Reading one cluster of a run: its installation and discovery probes, into
// the same status and verify reports a single-cluster run prints; within its
// own deadline, so a dead cluster costs that deadline once.
import type { Within } from '../certs/within.ts';
import { Client } from '../kube/client.ts';
import { configFor, type Kubeconfig } from '../kube/kubeconfig.ts';
import { FLEET_READS, readSnapshot } from '../read/snapshot.ts';
import { statusOf } from '../report/status.ts';
import { verifyOf } from '../report/verify/verify.ts';
import type { ConnectionFlags } from '../framework/global-flags.ts';
import { ConnectionError, CredentialError } from '../errors.ts';
import { failureOf, type ClusterRead } from '../report/cluster.ts';
import { formatDuration } from '../duration.ts';

/**
 * What every cluster of a run shares: the kubeconfig read once, the command line's flags, the
 * thresholds and the deadlines.
 */
export interface ReadSettings {
  readonly kubeconfig: Kubeconfig;
  /** The connection flags of the command line, --context aside. */
  readonly flags: ConnectionFlags;
  readonly namespace?: string;
  readonly warnWithin: Within;
  readonly failWithin: Within;
  /** --request-timeout, or the deadline when none is given. */
  readonly requestTimeoutMs: number;
  readonly deadlineMs: number;
  readonly verbosity: number;
  readonly log: (line: string) => void;
}

/** Reads one context; a cluster that fails or does not answer in time is a read with an error. */
export async function readCluster(
  context: string | undefined,
  settings: ReadSettings,
): Promise<ClusterRead> {
  let client: Client | undefined;
  let name = context ?? '(current context)';
  let timer: NodeJS.Timeout | undefined;
  try {
    const loaded = configFor(settings.kubeconfig, { ...settings.flags, context });
    name = loaded.contextName;
    client = new Client(loaded, {
      timeoutMs: settings.requestTimeoutMs,
      verbosity: settings.verbosity,
      log: settings.log,
    });
    const reading = read(client, settings);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const within = formatDuration(settings.deadlineMs);
        const plugin = client?.http.runningCredentialPlugin();
        reject(
          plugin
            ? new CredentialError(
                `the credential plugin "${plugin}" of context "${loaded.contextName}" did not ` +
                  `finish within ${within} (--cluster-timeout) and was stopped; check that it runs ` +
                  'without a terminal (it may be waiting for a login).',
              )
            : new ConnectionError(
                `${loaded.server} did not answer within ${within} (--cluster-timeout).`,
              ),
        );
      }, settings.deadlineMs);
    });
    return { context: name, ...(await Promise.race([reading, deadline])) };
  } catch (error) {
    return { context: name, error: failureOf(error) };
  } finally {
    clearTimeout(timer);
    client?.close();
  }
}

async function read(client: Client, settings: ReadSettings) {
  const snapshot = await readSnapshot(client, settings.namespace, FLEET_READS);
  const now = new Date();
  const { warnWithin, failWithin } = settings;
  return {
    status: statusOf(snapshot, now, warnWithin),
    verify: verifyOf(snapshot, now, { warnWithin, failWithin }),
  };
}
