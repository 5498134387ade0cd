// A kubeconfig user's tokenFile, read as client-go reads it: trimmed, and read
// again once a minute (a projected ServiceAccount token is replaced in place).
// client-node's FileAuth sends the file's bytes as they are, a final newline
// included, which no HTTP/2 header may hold.
import { readFileSync } from 'node:fs';
import type { User } from './client-node.ts';
import { CredentialError, errorCode } from '../errors.ts';

/** How long a token read from its file is used before the file is read again (client-go's). */
const REREAD_MS = 60_000;

const tokenFileOf = (user: User): string | undefined => {
  const provider = user.authProvider as
    { name?: unknown; config?: { tokenFile?: unknown } } | undefined;
  const file = provider?.name === 'tokenFile' ? provider.config?.tokenFile : undefined;
  return typeof file === 'string' ? file : undefined;
};

export class TokenFileAuth {
  private token: string | undefined;
  private readAt = 0;

  constructor(private readonly contextName: string) {}

  isAuthProvider(user: User): boolean {
    return tokenFileOf(user) !== undefined;
  }

  async applyAuthentication(
    user: User,
    opts: { headers?: Record<string, unknown> },
  ): Promise<void> {
    const file = tokenFileOf(user);
    if (file === undefined) return;
    if (this.token === undefined || Date.now() - this.readAt >= REREAD_MS) {
      try {
        this.token = readFileSync(file, 'utf8').trim();
      } catch (error) {
        throw new CredentialError(
          `the tokenFile file ${file} of context "${this.contextName}" cannot be read ` +
            `(${errorCode(error) ?? 'error'}); fix users[].user.tokenFile in the kubeconfig.`,
        );
      }
      this.readAt = Date.now();
    }
    opts.headers = { ...opts.headers, Authorization: `Bearer ${this.token}` };
  }
}
