// The one place that picks the output format: -o json and yaml print the
// report as data, anything else through the command's text renderer.
import type { CommandContext } from './context.ts';
import type { TextOptions } from '../render/style.ts';
import { terminalSafeDeep } from '../terminal-safe.ts';

/** How a command shows its report as text, with the context's style and width. */
export type TextRenderer<R> = (report: R, options: TextOptions) => string;

/** Whether -o asks for data (json, yaml) rather than text. */
export const printsData = (ctx: Pick<CommandContext, 'flags'>) =>
  ctx.flags.output === 'json' || ctx.flags.output === 'yaml';

/** The formats only some commands print: Prometheus metrics, JUnit XML. */
export interface MachineFormats<R> {
  readonly prometheus?: (report: R) => string;
  readonly junit?: (report: R) => string;
}

/**
 * Prints a report as -o asks: json or yaml as data, prometheus and junit through the command's own
 * (the parser has refused them for a command that does not declare them), table or wide through its
 * text renderer.
 */
export async function printReport<R>(
  ctx: CommandContext,
  report: R,
  renderText: TextRenderer<R>,
  formats: MachineFormats<R> = {},
): Promise<void> {
  if (ctx.flags.output === 'prometheus' || ctx.flags.output === 'junit') {
    const render = formats[ctx.flags.output];
    if (!render) throw new Error(`-o ${ctx.flags.output} is declared but has no renderer here`);
    ctx.print(render(report));
    return;
  }
  if (ctx.flags.output === 'json' || ctx.flags.output === 'yaml') {
    // The YAML library loads only when something is printed as data.
    const { renderData } = await import('../render/data.ts');
    ctx.print(renderData(report, ctx.flags.output));
    return;
  }
  // Every string of the report may come from the cluster or a certificate: escaped for the terminal.
  ctx.print(renderText(terminalSafeDeep(report), ctx.textOptions));
}
