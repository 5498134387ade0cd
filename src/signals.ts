// Who answers Ctrl-C and SIGTERM: a change while it runs (it says where it
// stands), else the command line's default (it says that nothing was written).
let claims = 0;

/** A change takes the signals over until the returned function gives them back. */
export function claimSignals(): () => void {
  claims++;
  let released = false;
  return () => {
    if (!released) claims--;
    released = true;
  };
}

/** Whether a change answers the signals now. */
export const signalsClaimed = () => claims > 0;
