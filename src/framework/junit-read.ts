// -o junit always prints a document: a cluster that cannot be read (no
// kubeconfig, an unknown context, an unreachable server, no RBAC) is one
// `read` testcase holding its error, as a fleet prints it. The error then
// goes on to stderr and the exit code as without -o junit.
import type { CommandContext } from './context.ts';
import type { Client } from '../kube/client.ts';
import { CliError } from '../errors.ts';
import { failureOf } from '../report/cluster.ts';
import { renderJunit } from '../render/junit.ts';

/** Connects and reads through `read`; under -o junit, a failure is printed as a document first. */
export async function readingCluster<T>(
  ctx: CommandContext,
  command: string,
  read: (client: Client) => Promise<T>,
  label?: string,
): Promise<T> {
  const given = Array.isArray(ctx.flags.context) ? ctx.flags.context[0] : ctx.flags.context;
  let name = label ?? (given !== undefined ? String(given) : '(current context)');
  try {
    const client = await ctx.connect();
    name = label ?? client.contextName;
    return await read(client);
  } catch (error) {
    if (ctx.flags.output === 'junit' && error instanceof CliError) {
      const suite = { name, properties: {}, checks: [], error: failureOf(error) };
      ctx.print(renderJunit(command, [suite], { warningsFail: false, timestamp: new Date() }));
    }
    throw error;
  }
}
