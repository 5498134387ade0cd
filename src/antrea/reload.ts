// How a new pair in the Secret reaches a controller in user-provided mode:
// the kubelet refreshes the mounted Secret, then the controller reloads the
// files. The waits say so in these words.
/** The first step of a reload, in the words every wait note uses. */
export const KUBELET_REFRESH = 'the kubelet refreshes the Secret volume within about a minute';
/** The second step of a reload: the controller picks up the refreshed files. */
export const CONTROLLER_RELOAD = 'the controller reloads the files within another';
/** How the plugin sees which certificate the controller serves. */
export const SERVED_SEEN = 'seen through a port-forward to its Pod';

/** The note a change prints before it waits for the controller to reload its pair. */
export const reloadWaitNote = (after = '') =>
  `${capitalized(KUBELET_REFRESH)} and ${CONTROLLER_RELOAD}: ` +
  `the wait lasts until the controller serves the new certificate (${SERVED_SEEN})${after}.`;

/** What the wait is waiting for until the controller serves the Secret's certificate. */
export const NOT_SERVED_YET =
  `the controller to serve the new certificate (${KUBELET_REFRESH}, ` +
  'then the controller reloads it)';

/**
 * The longest a new pair in the Secret takes to be served: the kubelet's refresh of the Secret
 * volume (about a minute) plus the controller's reload from disk (every minute).
 */
export const RELOAD_WITHIN_MS = 2 * 60_000;

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
