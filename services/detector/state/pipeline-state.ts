import { PopulationRegistry } from '../scorers/population-stats.ts';
import { encodeArray } from '../sketches/codec.ts';
import { DecayedSums, type DecayedSumsValues } from '../sketches/decayed-sums.ts';
import { Baseline } from './baseline.ts';
import type { CompactKeys } from './compact-keys.ts';
import { restoreKeyState } from './key-snapshot.ts';
import { INSTRUCTED_FIELDS } from './key-state.ts';
import { KeyStore } from './key-store.ts';
import { StateChanges } from './map-changes.ts';
import { OrgRegistry } from './org-registry.ts';
import type { PipelineDelta } from './pipeline-delta.ts';
import type { PipelineSnapshot } from './pipeline-snapshot.ts';
import type { KeyStateParams } from './sketch-params.ts';
import type { StateLimits } from './state-caps.ts';

export interface PipelineCounters {
  events: number;
  snapshots: number;
  alerts: number;
  byCategory: Record<string, number>;
  byKind: Record<string, number>;
}

/** Everything a pipeline remembers between events; replaced as a whole when a checkpoint is restored. */
export interface PipelineCore {
  keys: KeyStore;
  orgs: OrgRegistry;
  population: PopulationRegistry;
  counters: PipelineCounters;
  /** Latest event time seen, and the event time of the next idle-key sweep. */
  clock: { watermark: number | null; nextSweep: number };
  /** What changed since the last checkpoint (tracked from the first checkpoint or restore on). */
  changes: StateChanges;
}

export function emptyCore(params: KeyStateParams, limits: StateLimits): PipelineCore {
  const { caps, onCapEviction } = limits;
  const changes = new StateChanges();
  return {
    keys: new KeyStore(params, caps, onCapEviction, changes),
    orgs: new OrgRegistry(caps.orgs, onCapEviction, changes.orgs),
    population: new PopulationRegistry(caps.cohorts, onCapEviction, changes.cohorts),
    counters: { events: 0, snapshots: 0, alerts: 0, byCategory: {}, byKind: {} },
    clock: { watermark: null, nextSweep: 0 },
    changes,
  };
}

export function countersOf({ keys, counters }: PipelineCore): PipelineSnapshot['counters'] {
  return {
    ...counters,
    byCategory: { ...counters.byCategory },
    byKind: { ...counters.byKind },
    keysSeen: keys.seen,
    evicted: keys.evicted,
  };
}

export function compactedEntry(compacted: CompactKeys, apiKeyId: string): PipelineSnapshot['compacted'][number] {
  const c = compacted.get(apiKeyId)!;
  const { samples, since, data } = c.baseline;
  return {
    apiKeyId,
    orgId: c.orgId,
    model: c.model,
    endpoint: c.endpoint,
    firstSeen: c.firstSeen,
    createdAtMs: c.createdAtMs,
    lastSeen: c.lastSeen,
    baseline: { samples, since, data: encodeArray(data) },
    instructed: DecayedSums.encodeValues(c.instructed),
  };
}

/** Replays one version 1 delta (a stored single-document checkpoint) onto the state it was taken over. */
export function applyDeltaCore(core: PipelineCore, d: PipelineDelta, params: KeyStateParams): void {
  applyEntries(core, { part: 'active', ...d.active }, params);
  applyEntries(core, { part: 'compacted', ...d.compacted }, params);
  applyEntries(core, { part: 'orgs', ...d.orgs }, params);
  applyEntries(core, { part: 'cohorts', ...d.cohorts }, params);
  applyClock(core, d);
}

/** Entries of one of the state's four maps as a checkpoint holds them: ids removed, then entries written in order. */
export type StateEntries =
  | { part: 'active'; removed: readonly string[]; written: PipelineSnapshot['keys'] }
  | { part: 'compacted'; removed: readonly string[]; written: PipelineSnapshot['compacted'] }
  | { part: 'orgs'; removed: readonly string[]; written: ReadonlyArray<readonly [string, string]> }
  | { part: 'cohorts'; removed: readonly string[]; written: PipelineDelta['cohorts']['written'] };

/** Deletes `removed` from one map, then sets `written` in order (full restore, delta replay and pages alike). */
export function applyEntries(core: PipelineCore, e: StateEntries, params: KeyStateParams): void {
  const { keys } = core;
  switch (e.part) {
    case 'active':
      for (const id of e.removed) keys.active.delete(id);
      setKeys(keys, e.written, [], params);
      return;
    case 'compacted':
      for (const id of e.removed) keys.compacted.delete(id);
      setKeys(keys, [], e.written, params);
      return;
    case 'orgs':
      core.orgs.applyChanges(e.removed, e.written);
      return;
    case 'cohorts':
      core.population.applyChanges(e.removed, e.written);
  }
}

/** Clock and counters, which every checkpoint holds whole; changes are counted afresh from here. */
export function applyClock(
  core: PipelineCore,
  s: Pick<PipelineSnapshot, 'watermark' | 'nextSweep' | 'counters'>,
): void {
  Object.assign(core.counters, restoreCounters(core.keys, s.counters));
  core.clock.watermark = s.watermark;
  core.clock.nextSweep = s.nextSweep;
  core.changes.restart();
}

/** A compacted key from a checkpoint older than the sub-stream's place in the record: it revives empty. */
const NO_INSTRUCTED: DecayedSumsValues = { landmark: -1, data: new Float64Array(0) };

/** Sets active and compacted keys from their checkpoint form, in order (full restore and delta replay alike). */
function setKeys(
  keys: KeyStore,
  active: PipelineSnapshot['keys'],
  compacted: PipelineSnapshot['compacted'],
  params: KeyStateParams,
): void {
  for (const k of active) keys.active.set(k.apiKeyId, restoreKeyState(k, params));
  for (const { apiKeyId, baseline, instructed, ...identity } of compacted) {
    keys.compacted.set(apiKeyId, {
      ...identity,
      baseline: Baseline.restore(baseline).values,
      instructed: instructed ? DecayedSums.decodeValues(instructed, INSTRUCTED_FIELDS) : NO_INSTRUCTED,
    });
  }
}

/** Puts the key store's own counters back and returns the pipeline's (the inverse of `countersOf`). */
function restoreCounters(keys: KeyStore, saved: PipelineSnapshot['counters']): PipelineCounters {
  const { keysSeen, evicted, ...counters } = saved;
  keys.seen = keysSeen;
  keys.evicted = evicted;
  return counters;
}

/** Loads a full snapshot into an empty state (a new pipeline's); changes are counted from it on. */
export function loadSnapshot(core: PipelineCore, s: PipelineSnapshot, params: KeyStateParams): void {
  applyEntries(core, { part: 'active', removed: [], written: s.keys }, params);
  applyEntries(core, { part: 'compacted', removed: [], written: s.compacted }, params);
  applyEntries(core, { part: 'orgs', removed: [], written: Object.entries(s.orgs) }, params);
  applyEntries(core, { part: 'cohorts', removed: [], written: Object.entries(s.population) }, params);
  applyClock(core, s);
}
