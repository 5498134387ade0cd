// How a controller Pod that is not ready is described in every report.
import type { ControllerPod } from '../antrea/installation.ts';

/** " (CrashLoopBackOff: the last line it logged)", or nothing when the Pod gives no reason. */
export const notReadyDetail = (pod: ControllerPod) =>
  pod.reason ? ` (${pod.reason}${pod.message ? `: ${pod.message}` : ''})` : '';
