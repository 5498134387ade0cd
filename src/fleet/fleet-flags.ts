// The flags that make status and verify read several clusters in one run.
import type { InferredOptionTypes } from 'yargs';
import type { FlagTable } from '../framework/flag-table.ts';
import { parseDuration } from '../duration.ts';
import { UsageError } from '../errors.ts';

const FLEET = 'Several clusters:';

/** The flags of status and verify that pick several clusters and bound how long each may take. */
export const fleetFlags = {
  'all-contexts': {
    type: 'boolean',
    group: FLEET,
    default: false,
    describe: 'Read every context of the kubeconfig (--context more than once picks some)',
  },
  'contexts-matching': {
    type: 'string',
    group: FLEET,
    describe: 'Read the contexts whose name matches this regular expression',
  },
  parallel: {
    type: 'number',
    group: FLEET,
    default: 8,
    describe: 'How many clusters to read at once',
  },
  'cluster-timeout': {
    type: 'string',
    group: FLEET,
    default: '30s',
    describe: 'Give up on a cluster that has not answered within this (it becomes a row saying so)',
  },
  'cluster-label': {
    type: 'string',
    group: FLEET,
    describe: 'The cluster label of -o prometheus for a single cluster (default: the context name)',
  },
} as const satisfies FlagTable;

/** The fleet flags as yargs parses them. */
export type FleetFlags = InferredOptionTypes<typeof fleetFlags>;

/**
 * Which contexts to read, how many at once, how long to give each, and the cluster label of -o
 * prometheus.
 */
export interface FleetOptions {
  readonly all: boolean;
  readonly matching?: RegExp;
  readonly parallel: number;
  readonly clusterTimeoutMs: number;
  readonly clusterLabel?: string;
}

/**
 * The fleet flags as options; a UsageError for a bad pattern, --parallel below 1 or a zero
 * --cluster-timeout.
 */
export function fleetOptionsFrom(flags: FleetFlags): FleetOptions {
  const pattern = flags['contexts-matching'];
  let matching: RegExp | undefined;
  if (pattern !== undefined) {
    try {
      matching = new RegExp(pattern);
    } catch {
      throw new UsageError(`--contexts-matching takes a regular expression, not "${pattern}".`);
    }
  }
  if (!Number.isInteger(flags.parallel) || flags.parallel < 1) {
    throw new UsageError(
      `--parallel takes a whole number of clusters, 1 or more, not ${flags.parallel}.`,
    );
  }
  const clusterTimeoutMs = parseDuration(flags['cluster-timeout'], '--cluster-timeout');
  if (clusterTimeoutMs <= 0) throw new UsageError('--cluster-timeout must be longer than 0.');
  const label = flags['cluster-label'];
  return {
    all: flags['all-contexts'],
    ...(matching ? { matching } : {}),
    parallel: flags.parallel,
    clusterTimeoutMs,
    ...(label ? { clusterLabel: label } : {}),
  };
}

/** The --context values: kubectl takes one; status and verify take it more than once. */
export function contextsGiven(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map(String);
}

/** Whether this run reads several clusters (or the clusters of a selection). */
export const readsFleet = (fleet: FleetOptions, contexts: readonly string[]) =>
  fleet.all || fleet.matching !== undefined || contexts.length > 1;

/** --cluster-label with several clusters: each is named by its context. */
export const severalLabelled = () =>
  new UsageError('--cluster-label names a single cluster; with several, the context names them.');
