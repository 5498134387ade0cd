/**
 * The widest help text yargs lays out: narrower only on a narrower terminal. The launcher prints
 * the help laid out at this width (help.json) when stdout is a pipe, a file or a wide terminal.
 */
export const HELP_WIDTH = 100;
