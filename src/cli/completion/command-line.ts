// kubectl antrea-certs __complete WORD...: answers shell completion (hidden). Only
// --namespace values load the Kubernetes client; --context values come from
// reading the kubeconfig files.
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import type { Streams } from '../../framework/context.ts';
import type { ConnectionFlags } from '../../framework/global-flags.ts';
import { complete, renderCompletion, type ValueSources } from './complete.ts';
import { ExitCode } from '../../errors.ts';
import { kubeconfigFiles } from '../../kube/kubeconfig-files.ts';

type Env = Streams['env'];

/** Context names from the kubeconfig files, first file first; unreadable files add none. */
export function contextNames(files: readonly string[]): string[] {
  const names = files.flatMap((file) => {
    try {
      const doc = yaml.load(readFileSync(file, 'utf8')) as
        { contexts?: { name?: unknown }[] } | undefined;
      return (doc?.contexts ?? [])
        .map((c) => c.name)
        .filter((n): n is string => typeof n === 'string');
    } catch {
      return [];
    }
  });
  return [...new Set(names)];
}

/** The connection flags given so far, for a short-lived client (booleans keep their defaults). */
function connectionFlagsOf(given: Readonly<Record<string, string>>): ConnectionFlags {
  return {
    kubeconfig: given.kubeconfig,
    context: given.context,
    cluster: given.cluster,
    user: given.user,
    server: given.server,
    token: given.token,
    as: given.as,
    'as-group': given['as-group'],
    'certificate-authority': given['certificate-authority'],
    'client-certificate': given['client-certificate'],
    'client-key': given['client-key'],
    'insecure-skip-tls-verify': undefined,
    'tls-server-name': given['tls-server-name'],
    'request-timeout': '5s',
  };
}

function sources(env: Env): ValueSources {
  return {
    contexts: async (flags) => contextNames(kubeconfigFiles(flags, env)),
    namespaces: async (flags) => {
      const [{ loadKubeconfig }, { Client }] = await Promise.all([
        import('../../kube/kubeconfig.ts'),
        import('../../kube/client.ts'),
      ]);
      const loaded = loadKubeconfig(connectionFlagsOf(flags), env);
      const client = new Client(loaded, { timeoutMs: 5000, verbosity: 0, log: () => undefined });
      const list = await client.namespaces().list();
      return list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean);
    },
  };
}

/**
 * Answers `__complete WORD...` on stdout, with exit code 0 even when a value source fails (it then
 * offers nothing); no words completes the first one.
 */
export async function completeCommandLine(
  words: readonly string[],
  streams: Streams,
): Promise<ExitCode> {
  const answer = await complete(words.length > 0 ? words : [''], sources(streams.env));
  streams.stdout.write(renderCompletion(answer));
  return ExitCode.ok;
}
