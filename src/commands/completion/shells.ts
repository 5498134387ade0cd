// The shells `completion SHELL` writes a script for.
/** The shells there is a completion script for: the choices of `completion SHELL`. */
export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
/** One of SHELLS. */
export type Shell = (typeof SHELLS)[number];
