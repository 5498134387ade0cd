// kubectl antrea-certs __complete: answers shell completion (hidden). Only
// --namespace values load the Kubernetes client; --context values come from
// reading the kubeconfig files.
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { PassThrough } from 'node:stream';
import { createContext, type Streams } from '../cli/context.ts';
import type { GlobalFlags } from '../cli/options.ts';
import { complete, renderCompletion, type ValueSources } from '../cli/completion/complete.ts';
import { ExitCode } from '../errors.ts';
import { kubeconfigFiles } from '../cluster/kubeconfig-files.ts';

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

function sources(env: Env): ValueSources {
  return {
    contexts: async (flags) => contextNames(kubeconfigFiles(flags, env)),
    namespaces: async (flags) => {
      const globalFlags = {
        ...flags,
        'request-timeout': '5s',
        output: 'table',
        color: false,
        verbose: 0,
      } as GlobalFlags;
      const silent = new PassThrough();
      const client = await createContext(globalFlags, {
        stdout: silent,
        stderr: silent,
        env,
      }).connect();
      const list = await client.call({ verb: 'list', resource: 'namespaces' }, () =>
        client.core.listNamespace(),
      );
      return list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean);
    },
  };
}

export async function completeCommandLine(
  words: readonly string[],
  streams: Streams,
): Promise<ExitCode> {
  const answer = await complete(words.length > 0 ? words : [''], sources(streams.env));
  streams.stdout.write(renderCompletion(answer));
  return ExitCode.ok;
}
