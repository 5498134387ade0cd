// The one place that picks the output format: -o json and yaml print the
// report as data, anything else through the command's text renderer.
import type { CommandContext } from './context.ts';
import type { TextOptions } from '../render/style.ts';
import { UsageError } from '../errors.ts';

/** How a command shows its report as text, with the context's style and width. */
export type TextRenderer<R> = (report: R, options: TextOptions) => string;

/**
 * Prints a report as -o asks: json or yaml as data, table or wide through the command's renderer;
 * -o prometheus is a usage error here.
 */
export async function printReport<R>(
  ctx: CommandContext,
  report: R,
  renderText: TextRenderer<R>,
): Promise<void> {
  if (ctx.output === 'prometheus') {
    throw new UsageError('-o prometheus is for status and verify.');
  }
  if (ctx.output === 'json' || ctx.output === 'yaml') {
    // The YAML library loads only when something is printed as data.
    const { renderData } = await import('../render/data.ts');
    ctx.print(renderData(report, ctx.output));
    return;
  }
  ctx.print(renderText(report, ctx.textOptions));
}
