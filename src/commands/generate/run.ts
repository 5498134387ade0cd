// generate: the serving pair Antrea's "Securing Control Plane" page asks
// for, made here (files for import) or by cert-manager (a Certificate).
import type { CommandContext } from '../../framework/context.ts';
import type { ExitCode } from '../../errors.ts';
import type { GenerateOptions } from './command.ts';
import { readServiceNames } from './target.ts';

/** Files, or a cert-manager Certificate printed or applied. */
export async function run(ctx: CommandContext, options: GenerateOptions): Promise<ExitCode> {
  const target = options.target;
  if (target.kind === 'cert-manager') {
    const { certManagerCertificate } = await import('./cert-manager.ts');
    return certManagerCertificate(ctx, options, target);
  }
  const [{ generateFiles }, names] = await Promise.all([
    import('./files.ts'),
    readServiceNames(ctx, options),
  ]);
  return generateFiles(ctx, options, target, names);
}
