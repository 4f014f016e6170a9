import { PopulationRegistry } from '../scorers/population-stats.ts';
import { Baseline } from './baseline.ts';
import { restoreKeyState, snapshotKeyState } from './key-snapshot.ts';
import { KeyStore } from './key-store.ts';
import { OrgRegistry } from './org-registry.ts';
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
}

export function emptyCore(params: KeyStateParams, limits: StateLimits): PipelineCore {
  const { caps, onCapEviction } = limits;
  return {
    keys: new KeyStore(params, caps, onCapEviction),
    orgs: new OrgRegistry(caps.orgs, onCapEviction),
    population: new PopulationRegistry(caps.cohorts, onCapEviction),
    counters: { events: 0, snapshots: 0, alerts: 0, byCategory: {}, byKind: {} },
    clock: { watermark: null, nextSweep: 0 },
  };
}

export function snapshotCore(core: PipelineCore, coordination?: unknown): PipelineSnapshot {
  const { keys, counters } = core;
  return {
    v: 1,
    watermark: core.clock.watermark,
    nextSweep: core.clock.nextSweep,
    counters: {
      ...counters,
      byCategory: { ...counters.byCategory },
      byKind: { ...counters.byKind },
      keysSeen: keys.seen,
      evicted: keys.evicted,
    },
    keys: [...keys.active.values()].map(snapshotKeyState),
    compacted: [...keys.compacted].map(([apiKeyId, c]) => ({
      apiKeyId,
      orgId: c.orgId,
      model: c.model,
      endpoint: c.endpoint,
      firstSeen: c.firstSeen,
      createdAtMs: c.createdAtMs,
      lastSeen: c.lastSeen,
      baseline: c.baseline.snapshot(),
    })),
    orgs: core.orgs.snapshot(),
    population: core.population.snapshot(),
    ...(coordination === undefined ? {} : { coordination }),
  };
}

export function restoreCore(s: PipelineSnapshot, params: KeyStateParams, limits: StateLimits): PipelineCore {
  const { caps, onCapEviction } = limits;
  const keys = new KeyStore(params, caps, onCapEviction);
  for (const k of s.keys) keys.active.set(k.apiKeyId, restoreKeyState(k, params));
  for (const { apiKeyId, baseline, ...identity } of s.compacted) {
    keys.compacted.set(apiKeyId, { ...identity, baseline: Baseline.restore(baseline) });
  }
  keys.seen = s.counters.keysSeen;
  keys.evicted = s.counters.evicted;
  const { keysSeen: _seen, evicted: _evicted, ...counters } = s.counters;
  return {
    keys,
    orgs: OrgRegistry.restore(s.orgs, caps.orgs, onCapEviction),
    population: PopulationRegistry.restore(s.population, caps.cohorts, onCapEviction),
    counters,
    clock: { watermark: s.watermark, nextSweep: s.nextSweep },
  };
}
