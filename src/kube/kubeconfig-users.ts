// What kubectl reads from a kubeconfig user and client-node drops: tokenFile,
// as-groups and as-user-extra (client-node keeps token, as, exec and the
// certificates), and an exec command given as a relative path. Read from the
// file's own YAML, paths made absolute from the file's directory as kubectl
// makes them.
import { dirname, isAbsolute, resolve } from 'node:path';
import * as yaml from 'js-yaml';

/** The fields of users[].user that client-node does not keep. */
export interface UserExtras {
  readonly tokenFile?: string;
  readonly asGroups?: readonly string[];
  readonly asUserExtra?: Readonly<Record<string, readonly string[]>>;
  /** auth-provider's name, for the sentence that says which ones the plugin does not run. */
  readonly authProvider?: string;
  /** exec.command when it is a relative path (./login): from the kubeconfig's directory. */
  readonly execCommand?: string;
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;

/** Each user of a kubeconfig file's text with the fields client-node drops, by user name. */
export function userExtrasOf(text: string, file: string): Map<string, UserExtras> {
  const extras = new Map<string, UserExtras>();
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch {
    return extras; // client-node has said what is wrong with the file already.
  }
  const users = (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return extras;
  for (const entry of users as unknown[]) {
    const { name, user } = (entry ?? {}) as { name?: unknown; user?: Record<string, unknown> };
    if (typeof name !== 'string' || !user || typeof user !== 'object') continue;
    const tokenFile = typeof user.tokenFile === 'string' && user.tokenFile ? user.tokenFile : '';
    const groups = strings(user['as-groups']);
    const extra = user['as-user-extra'];
    const userExtra =
      extra && typeof extra === 'object' && !Array.isArray(extra)
        ? Object.fromEntries(
            Object.entries(extra).flatMap(([key, values]) => {
              const list = strings(values);
              return list ? [[key, list]] : [];
            }),
          )
        : undefined;
    const provider = (user['auth-provider'] as { name?: unknown } | undefined)?.name;
    // As client-go: a command with a slash is a path, taken from the kubeconfig's directory.
    const command = (user.exec as { command?: unknown } | undefined)?.command;
    const relative = typeof command === 'string' && command.includes('/') && !isAbsolute(command);
    extras.set(name, {
      ...(tokenFile
        ? { tokenFile: isAbsolute(tokenFile) ? tokenFile : resolve(dirname(file), tokenFile) }
        : {}),
      ...(groups?.length ? { asGroups: groups } : {}),
      ...(userExtra && Object.keys(userExtra).length ? { asUserExtra: userExtra } : {}),
      ...(typeof provider === 'string' ? { authProvider: provider } : {}),
      ...(relative ? { execCommand: resolve(dirname(file), command) } : {}),
    });
  }
  return extras;
}
