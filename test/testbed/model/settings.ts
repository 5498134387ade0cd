// The model's settings: which release it plays and its timings (seconds).
export interface ModelSettings {
  readonly kubeconfig: string;
  readonly namespace: string;
  /** The Antrea release the model plays, e.g. v2.7.0. */
  readonly version: string;
  /** Loopback address where Service antrea points; the model serves there on port 443. */
  readonly address: string;
  readonly nodeName: string;
  /** Periodic CA re-publishing of pair-persisting releases (real: 120). */
  readonly publishResyncSeconds: number;
  /** Periodic re-check of the persisted self-signed pair (real: 3600). */
  readonly secretRecheckSeconds: number;
  /** How long a Secret update takes to reach the mounted volume (kubelet, real: up to ~60-90). */
  readonly secretVolumeRefreshSeconds: number;
  /** How often user-provided certificate files are reloaded (real: 60). */
  readonly certReloadSeconds: number;
  /** How long user-provided mode waits for ca.crt, tls.crt and tls.key before exiting (real: 120). */
  readonly userProvidedWaitSeconds: number;
  /** First CrashLoopBackOff delay, doubled at each restart up to 300 (real: 10). */
  readonly crashBackoffSeconds: number;
  /**
   * How long a deleted Pod's container keeps running, and reacting, before it stops (a real one
   * gets SIGTERM and shuts down within a second or two; the model stops at once unless set).
   */
  readonly shutdownSeconds?: number;
}

export const REAL_TIMINGS = {
  publishResyncSeconds: 120,
  secretRecheckSeconds: 3600,
  secretVolumeRefreshSeconds: 60,
  certReloadSeconds: 60,
  userProvidedWaitSeconds: 120,
  crashBackoffSeconds: 10,
} as const;

export type Timings = { -readonly [K in keyof typeof REAL_TIMINGS]: number } & {
  shutdownSeconds?: number;
};

/** The controller's timings shortened to seconds, for tests that switch modes and wait for reloads. */
export const FAST_TIMINGS = {
  userProvidedWaitSeconds: 3,
  crashBackoffSeconds: 1,
  secretVolumeRefreshSeconds: 1,
  certReloadSeconds: 1,
  publishResyncSeconds: 2,
} as const;
