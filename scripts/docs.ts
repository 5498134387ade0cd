// Writes docs/commands.md from the command registry: per command its usage,
// summary, positionals, flags, examples, epilogue and exit codes, then the
// global flags and the exit codes every command shares. `--check` writes
// nothing and exits 1 when the committed file differs from what it would write.
// The text is prettier's own form (aligned tables, escaped cells), so that
// formatting the file changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/registry.ts';
// The only import of the global flags: change this line when flags.ts moves.
import { globalFlags } from '../src/framework/global-flags.ts';
import { ExitCode } from '../src/errors.ts';

// What the page is made from, for the test that checks it.
export { COMMANDS, globalFlags };

type Command = (typeof COMMANDS)[number];
type FlagTable = Command['flags'];
type Flag = FlagTable[string];
type PositionalTable = Command['positionals'];

/** The name kubectl runs the plugin under; yargs' `$0` in examples. */
const PROGRAM = 'kubectl antrea-certs';

/** Where the generated file goes, from the repository root. */
export const COMMANDS_DOC = 'docs/commands.md';

/** What each exit code means; typed by ExitCode's names, so a new code needs its line here. */
const EXIT_CODE_MEANINGS: Readonly<Record<keyof typeof ExitCode, string>> = {
  ok: 'done; for `verify` and `audit`: all checks passed',
  error:
    'could not do or check what was asked: bad usage, kubeconfig, connection, permissions, ' +
    'no Antrea found; for writing commands also bad input files (nothing written)',
  checkFailed: "a check failed (`verify`, `audit`, and a change's closing checks)",
  warnings: 'warnings only, with `--strict`',
  internal:
    "the plugin's own failure: its work stopped without finishing; a change says where it stands " +
    '(run `verify`, then the same command again)',
  timeout: "a writing command's wait ran out (`--timeout`)",
  interrupted: 'a writing command stopped by Ctrl-C (SIGINT)',
  terminated: 'a writing command stopped by SIGTERM',
};

/** Text for a Markdown paragraph or table cell: what Markdown would read as syntax, escaped. */
function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}

/** Inline code, with the `|` a table cell needs escaped. */
function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|')}\``;
}

/**
 * How wide prettier sees a cell: one column a character, right for the text the registry holds
 * today (test/unit/docs.test.ts formats the page with prettier to make sure).
 */
const widthOf = (text: string) => [...text].length;

/** A table as prettier prints it: every column padded to its widest cell, three columns at least. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(3, widthOf(h), ...rows.map((row) => widthOf(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - widthOf(cell))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A fenced code block. */
const block = (language: string, lines: readonly string[]) =>
  ['```' + language, ...lines, '```'].join('\n');

/** A value as it reads in the default column. */
function valueOf(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

/** The help text of a flag or positional, escaped for a cell. */
function describeOf(entry: Flag | PositionalTable[string]): string {
  const text = entry.describe ?? entry.description ?? entry.desc ?? '';
  return escapeText(String(text));
}

/** The value type; `repeatable` for array flags. */
function typeOf(entry: Flag | PositionalTable[string]): string {
  const type = entry.type ?? 'string';
  return 'array' in entry && entry.array ? `${type}, repeatable` : type;
}

/** The values a flag or positional accepts, if it lists them. */
function choicesOf(entry: Flag | PositionalTable[string]): string {
  const choices = entry.choices;
  if (choices === undefined) return '';
  return (Array.isArray(choices) ? choices : [choices]).map((c) => code(String(c))).join(', ');
}

/** The default as --help shows it: its description when it has one. */
function defaultOf(flag: Flag): string {
  if (flag.defaultDescription !== undefined) return code(flag.defaultDescription);
  return flag.default === undefined ? '' : code(valueOf(flag.default));
}

/** `--name`, `-a, --name` with its alias (one letter, as kubectl writes it first). */
function flagName(name: string, flag: Flag): string {
  const aliases = flag.alias === undefined ? [] : [flag.alias].flat();
  const names = [...aliases, name].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
  return code(names.join(', '));
}

/** The flags that are shown: the hidden ones are left out. */
export const visibleFlags = (flags: FlagTable): [string, Flag][] =>
  Object.entries(flags).filter(([, flag]) => !flag.hidden);

/** One table per group of flags, in the order the groups first appear (ungrouped as "Flags:"). */
function flagTables(flags: FlagTable, ungrouped: string): string[] {
  const groups = new Map<string, [string, Flag][]>();
  for (const [name, flag] of visibleFlags(flags)) {
    const group = flag.group ?? ungrouped;
    groups.set(group, [...(groups.get(group) ?? []), [name, flag]]);
  }
  return [...groups].flatMap(([group, entries]) => [
    escapeText(group),
    table(
      ['flag', 'type', 'default', 'choices', 'description'],
      entries.map(([name, flag]) => [
        flagName(name, flag),
        typeOf(flag),
        defaultOf(flag),
        choicesOf(flag),
        describeOf(flag),
      ]),
    ),
  ]);
}

/** The usage line, as yargs prints it: `<name>` for a required positional, `[name]` otherwise. */
export function usageLine(command: Command): string {
  const words = Object.entries(command.positionals).map(([name, p]) =>
    p.demandOption ? `<${name}>` : `[${name}]`,
  );
  return [PROGRAM, command.name, ...words].join(' ');
}

/** The examples as shell lines, their descriptions as comments lined up after them. */
function examples(command: Command): string[] {
  if (command.examples.length === 0) return [];
  const lines = command.examples.map(([line, note]) => [line.replace(/\$0/g, PROGRAM), note]);
  const width = Math.max(...lines.map(([line = '']) => line.length));
  return [
    'Examples:',
    block(
      'sh',
      lines.map(([line = '', note = '']) =>
        note ? `${line.padEnd(width)}  # ${note.replace(/\s*\n\s*/g, ' ')}` : line,
      ),
    ),
  ];
}

/** One command's section: usage, summary, arguments, flags, examples, epilogue, exit codes. */
function commandSection(command: Command): string[] {
  const positionals = Object.entries(command.positionals);
  const epilogue = command.epilogue?.trimEnd();
  const epilogueSaysExitCodes = epilogue !== undefined && /exit code/i.test(epilogue);
  return [
    `## ${command.name}`,
    block('text', [usageLine(command)]),
    escapeText(command.summary),
    ...(positionals.length
      ? [
          'Arguments:',
          table(
            ['argument', 'required', 'choices', 'description'],
            positionals.map(([name, p]) => [
              code(name),
              p.demandOption ? 'yes' : 'no',
              choicesOf(p),
              describeOf(p),
            ]),
          ),
        ]
      : []),
    ...(visibleFlags(command.flags).length
      ? flagTables(command.flags, 'Flags:')
      : ['No flags of its own.']),
    'It takes the [global flags](#global-flags) too.',
    ...examples(command),
    ...(epilogue ? [block('text', epilogue.split('\n'))] : []),
    ...(epilogueSaysExitCodes ? [] : ['Exit codes: see [Exit codes](#exit-codes).']),
  ];
}

/** The exit codes every command shares, from ExitCode. */
function exitCodeSection(): string[] {
  const names = Object.keys(ExitCode) as (keyof typeof ExitCode)[];
  return [
    '## Exit codes',
    'Each code means the same in every command:',
    table(
      ['code', 'meaning'],
      names.map((name) => [String(ExitCode[name]), EXIT_CODE_MEANINGS[name]]),
    ),
    "With several clusters (`status`, `verify`), the worst of the clusters': 2, then 3, then 1, then 0. " +
      'Signals during a change: see [Ctrl-C and SIGTERM](changes.md#ctrl-c-and-sigterm).',
  ];
}

/** docs/commands.md as the generator writes it. */
export function renderCommandsDoc(): string {
  const contents = [
    ...COMMANDS.map((c) => `- [${c.name}](#${c.name}): ${escapeText(c.summary)}`),
    '- [Global flags](#global-flags)',
    '- [Exit codes](#exit-codes)',
  ];
  const sections = [
    '# Command reference',
    '[Back to README](../README.md)',
    'Generated from the command registry by `scripts/docs.ts`; do not edit it by hand, run `npm run docs`. ' +
      'The same text is in `kubectl antrea-certs COMMAND --help`; [the guide](guide.md) tells more about each command.',
    contents.join('\n'),
    ...COMMANDS.flatMap(commandSection),
    '## Global flags',
    'Every command takes these.',
    ...flagTables(globalFlags, 'Flags:'),
    '`-h, --help` prints the help of the plugin or of a command; `--version` prints the plugin version.',
    ...exitCodeSection(),
  ];
  return `${sections.join('\n\n')}\n`;
}

const root = resolve(import.meta.dirname, '..');

/**
 * Writes docs/commands.md (or `path`), or with --check compares it and says when it differs;
 * returns the exit code.
 */
export function main(
  argv: readonly string[],
  path = resolve(root, COMMANDS_DOC),
  stderr: { write(text: string): unknown } = process.stderr,
): number {
  const text = renderCommandsDoc();
  if (argv.includes('--check')) {
    let committed: string | undefined;
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      committed = undefined;
    }
    if (committed === text) return 0;
    stderr.write(`${COMMANDS_DOC} is out of date: run npm run docs\n`);
    return 1;
  }
  writeFileSync(path, text);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
