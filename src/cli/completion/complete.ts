// The answer to `__complete WORD... PARTIAL` in cobra's protocol, which
// kubectl (1.26+) relays from its kubectl_complete-<plugin> helpers: one
// candidate a line ("value<TAB>description"), then ":<directive>".
import type { Flag } from '../../framework/flag-table.ts';
import {
  COMMANDS,
  GLOBAL_OPTIONS,
  valueKind,
  takesValue,
  type CommandSpec,
  type ValueKind,
} from './spec.ts';

/** cobra's ShellCompDirective bits. */
export const Directive = {
  default: 0,
  error: 1,
  noSpace: 2,
  noFileComp: 4,
  filterFileExt: 8,
  filterDirs: 16,
  keepOrder: 32,
} as const;

/**
 * The candidates for the word being completed ("value<TAB>description") and the directive that
 * tells the shell what to do with them.
 */
export interface Completion {
  readonly candidates: readonly string[];
  readonly directive: number;
}

/** Where values that live outside the command line come from (kubeconfig contexts, the cluster's namespaces). */
export interface ValueSources {
  contexts(flags: Readonly<Record<string, string>>): Promise<string[]>;
  namespaces(flags: Readonly<Record<string, string>>): Promise<string[]>;
}

interface Scan {
  readonly command?: CommandSpec;
  readonly positionals: number;
  /** The flag whose value the word being completed is, when the previous word was `--flag`. */
  readonly pendingFlag?: string;
  /** String flags given so far, for the value sources (--kubeconfig, --context, ...). */
  readonly flags: Record<string, string>;
  readonly given: Set<string>;
}

function optionsOf(command: CommandSpec | undefined): Record<string, Flag> {
  return { ...GLOBAL_OPTIONS, ...command?.options };
}

function lookup(options: Record<string, Flag>, word: string): string | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=')[0] ?? '';
    if (name in options) return name;
    if (name.startsWith('no-') && options[name.slice(3)]?.type === 'boolean') return name.slice(3);
    return undefined;
  }
  const letter = word.slice(1, 2);
  return Object.keys(options).find((name) => options[name]?.alias === letter);
}

function scan(words: readonly string[]): Scan {
  let command: CommandSpec | undefined;
  let positionals = 0;
  let pendingFlag: string | undefined;
  const flags: Record<string, string> = {};
  const given = new Set<string>();
  for (const word of words) {
    if (pendingFlag) {
      flags[pendingFlag] = word;
      pendingFlag = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const options = optionsOf(command);
      const name = lookup(options, word);
      const option = name ? options[name] : undefined;
      if (!name || !option) continue;
      given.add(name);
      const inline = word.startsWith('--')
        ? word.indexOf('=')
        : word.length > 2 && option.type !== 'count'
          ? 1
          : -1;
      if (inline > 0) flags[name] = word.slice(inline + 1);
      else if (takesValue(option)) pendingFlag = name;
      continue;
    }
    if (!command) command = COMMANDS.find((c) => c.name === word);
    else positionals++;
  }
  return { command, positionals, pendingFlag, flags, given };
}

const withPrefix = (candidates: readonly string[], partial: string) =>
  candidates.filter((c) => c.startsWith(partial));
const oneLine = (text: unknown) =>
  String(text ?? '')
    .split(/[.;(]/)[0]
    ?.trim() ?? '';

async function values(
  kind: ValueKind,
  partial: string,
  scanned: Scan,
  sources: ValueSources,
  prefix = '',
): Promise<Completion> {
  const done = (names: readonly string[]): Completion => ({
    candidates: withPrefix(names, partial).map((n) => prefix + n),
    directive: Directive.noFileComp,
  });
  switch (kind.kind) {
    case 'choices':
      return done(kind.values);
    case 'file':
      return { candidates: [], directive: Directive.default };
    case 'directory':
      return { candidates: [], directive: Directive.filterDirs };
    case 'context':
      return done(await sources.contexts(scanned.flags).catch(() => []));
    case 'namespace':
      return done(await sources.namespaces(scanned.flags).catch(() => []));
    case 'free':
      return { candidates: [], directive: Directive.noFileComp };
  }
}

function flagNames(scanned: Scan, partial: string): Completion {
  const options = optionsOf(scanned.command);
  const candidates: string[] = [];
  for (const [name, option] of Object.entries(options)) {
    if (scanned.given.has(name) && option.type !== 'count') continue;
    const describe = oneLine(option.describe);
    candidates.push(`--${name}\t${describe}`);
    if (option.type === 'boolean' && option.default === true)
      candidates.push(`--no-${name}\tTurn off --${name}`);
    if (typeof option.alias === 'string' && partial.length <= 2 && !partial.startsWith('--'))
      candidates.push(`-${option.alias}\t${describe}`);
  }
  return {
    candidates: candidates.filter((c) => c.startsWith(partial)).sort(),
    directive: Directive.noFileComp,
  };
}

/** Completes the last word of `words` (empty when the cursor starts a new word). */
export async function complete(
  words: readonly string[],
  sources: ValueSources,
): Promise<Completion> {
  const partial = words.at(-1) ?? '';
  const scanned = scan(words.slice(0, -1));
  const options = optionsOf(scanned.command);
  if (scanned.pendingFlag) {
    const option = options[scanned.pendingFlag];
    return option
      ? values(valueKind(option), partial, scanned, sources)
      : { candidates: [], directive: Directive.default };
  }
  if (partial.startsWith('--') && partial.includes('=')) {
    const name = lookup(options, partial);
    const option = name ? options[name] : undefined;
    if (!name || !option) return { candidates: [], directive: Directive.noFileComp };
    const head = partial.slice(0, partial.indexOf('=') + 1);
    return values(valueKind(option), partial.slice(head.length), scanned, sources, head);
  }
  if (partial.startsWith('-')) return flagNames(scanned, partial);
  if (!scanned.command) {
    return {
      candidates: withPrefix(
        COMMANDS.map((c) => c.name),
        partial,
      ).map((name) => `${name}\t${COMMANDS.find((c) => c.name === name)?.description ?? ''}`),
      directive: Directive.noFileComp,
    };
  }
  const positional = scanned.command.positionals[scanned.positionals];
  return positional
    ? values(positional, partial, scanned, sources)
    : { candidates: [], directive: Directive.noFileComp };
}

/** The answer as cobra's protocol has it: one candidate a line, then ":<directive>". */
export function renderCompletion(completion: Completion): string {
  return [...completion.candidates, `:${completion.directive}`].join('\n') + '\n';
}
