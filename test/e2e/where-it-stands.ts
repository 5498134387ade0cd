// What a change that exits non-zero says of where it stands, in the plugin's
// words: one list for the fault tests and the fault matrix, so that a sentence
// one of them accepts the other does not refuse.
export const SAYS_WHERE_IT_STANDS = new RegExp(
  [
    'Where the change stands',
    // The API server went away between two writes and was not back to put the first one back.
    'part of the change',
    'put back',
    'nothing had been written',
    '[Nn]othing was written',
    'Internal error',
    'left as it is',
    'rolled back',
    'the rollback',
  ].join('|'),
);
