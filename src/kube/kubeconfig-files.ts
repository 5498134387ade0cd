// Which kubeconfig files kubectl would read: --kubeconfig, else every file in
// KUBECONFIG, else ~/.kube/config. Apart from the client library, so shell
// completion can list contexts without loading it.
import { homedir } from 'node:os';
import { join, delimiter } from 'node:path';

type Env = Record<string, string | undefined>;

/** The candidate files in kubectl's order, whether they exist or not. */
export function kubeconfigFiles(flags: { readonly kubeconfig?: string }, env: Env): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}
