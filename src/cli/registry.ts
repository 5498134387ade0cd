// Every command the plugin has, in the order help and completion list them.
// A new command is a folder under src/commands/ and one line here.
import { status } from '../commands/status/command.ts';
import { verify } from '../commands/verify/command.ts';
import { importCommand } from '../commands/import/command.ts';
import { mode } from '../commands/mode/command.ts';
import { rotate } from '../commands/rotate/command.ts';
import { restore } from '../commands/restore/command.ts';
import { generate } from '../commands/generate/command.ts';
import { audit } from '../commands/audit/command.ts';
import { exporter } from '../commands/exporter/command.ts';
import { version } from '../commands/version/command.ts';
import { completion } from '../commands/completion/command.ts';
import type { Command } from '../framework/command.ts';

/** Every command, in the order help and completion list them. */
export const COMMANDS: readonly Command[] = [
  status,
  verify,
  importCommand,
  mode,
  rotate,
  restore,
  generate,
  audit,
  exporter,
  version,
  completion,
];
