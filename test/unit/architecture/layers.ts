/**
 * The declared dependency direction of `services/`: common ← stages ← wiring ← api/cli. Each folder lists the folders
 * it may import besides `common/` and the repository's `schemas/`, which every folder may use. A folder's README
 * repeats its entry. `layering.test.ts` checks the code against this table and the table against the groups.
 */
export const GROUPS = ['common', 'stage', 'wiring', 'entry'] as const;
export type Group = (typeof GROUPS)[number];

export interface Layer {
  group: Group;
  mayImport: readonly string[];
}

export const LAYERS: Readonly<Record<string, Layer>> = {
  common: { group: 'common', mayImport: [] },
  // Stages: the pipeline's parts and the stores and workflows built on their output.
  consumer: { group: 'stage', mayImport: [] },
  simulator: { group: 'stage', mayImport: [] },
  ml: { group: 'stage', mayImport: [] },
  coordination: { group: 'stage', mayImport: [] },
  'event-store': { group: 'stage', mayImport: ['consumer'] },
  detector: { group: 'stage', mayImport: ['ml'] },
  'alerts-store': { group: 'stage', mayImport: ['auth', 'detector'] },
  auth: { group: 'stage', mayImport: [] },
  investigate: { group: 'stage', mayImport: ['alerts-store', 'auth', 'detector'] },
  actions: { group: 'stage', mayImport: ['consumer'] },
  cases: { group: 'stage', mayImport: ['actions', 'alerts-store', 'auth'] },
  // Wiring: stages assembled into a running service or an offline run.
  'stream-service': {
    group: 'wiring',
    mayImport: ['consumer', 'event-store', 'detector', 'coordination', 'alerts-store', 'ml'],
  },
  replay: { group: 'wiring', mayImport: ['detector', 'coordination', 'ml'] },
  eval: { group: 'wiring', mayImport: ['detector', 'replay', 'simulator'] },
  training: { group: 'wiring', mayImport: ['ml', 'detector', 'simulator'] },
  // Entry points.
  api: {
    group: 'entry',
    mayImport: ['actions', 'alerts-store', 'auth', 'cases', 'consumer', 'detector', 'investigate'],
  },
  cli: {
    group: 'entry',
    mayImport: [
      'actions',
      'alerts-store',
      'api',
      'auth',
      'cases',
      'consumer',
      'coordination',
      'detector',
      'eval',
      'event-store',
      'investigate',
      'ml',
      'replay',
      'simulator',
      'stream-service',
      'training',
    ],
  },
};

/** Folders outside `services/` that production code may import. */
export const SHARED_OUTSIDE_SERVICES = ['schemas'];

/**
 * Imports against the direction that the tree still has, each to be removed by moving code, never added to. The test
 * fails when one of them no longer occurs, so this list stays exactly the remaining work.
 */
export const KNOWN_VIOLATIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [];
