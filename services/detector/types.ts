import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { PromptFingerprint } from '../common/text/fingerprint.ts';
import type { PromptTokens } from '../common/text/tokenize.ts';

/** One `key_features` row: the key's feature vector at one minute of event time, and its ensemble score. */
export interface KeyFeatureSnapshot {
  api_key_id: string;
  org_id: string;
  model: string;
  /** Event time (epoch ms) of the event that produced the snapshot. */
  ts: number;
  /** FEATURE_NAMES order. */
  values: number[];
  /** Ensemble score 0..1. */
  score: number;
  /** The evidence part of the score (rules, classifier): what alert thresholds are calibrated on. */
  evidence?: number;
}

export interface PipelineOutput {
  alerts: Alert[];
  features: KeyFeatureSnapshot[];
}

/**
 * What the pipeline needs of stage 2: `services/coordination`'s `CoordinationEngine` plugs in here (the detector may
 * not import it); the pipeline feeds it every valid event once.
 */
export interface CoordinationHook {
  /** With the prompt's fingerprint and the token hashes of its `prompt_text` (stage 1 computed both already). */
  observe(event: UsageEvent, fingerprint: PromptFingerprint | null, tokens: PromptTokens): void;
  /** Advances stage 2 to event time `nowMs` and returns any cluster alerts it raises. */
  advance(nowMs: number): Alert[];
  /** End of input: settles pending work at event time `nowMs` (replay calls this from `finish`). */
  flush?(nowMs: number): Alert[];
  /** Stage 2's own state, embedded in the detector's checkpoint when present (JSON-serialisable). */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}

export interface PipelineStats {
  events: number;
  /** Keys currently holding full state. */
  keys: number;
  /** Keys reduced to their baseline after being idle. */
  compactedKeys: number;
  /** Keys dropped entirely after a long idle period, over the run. */
  evictedKeys: number;
  /** Distinct keys seen over the run. */
  keysSeen: number;
  /** Organisations and `model|endpoint` cohorts currently held. */
  orgs: number;
  cohorts: number;
  /** Entries each capped store evicted to stay under its cap (DG_DETECTOR_MAX_*), since the pipeline was built. */
  capEvictions: { activeKeys: number; compactedKeys: number; orgs: number; cohorts: number };
  snapshots: number;
  alerts: number;
  alertsByCategory: Record<string, number>;
  alertsByKind: Record<string, number>;
  /** Latest event time seen (epoch ms), or null before the first event. */
  watermark: number | null;
}

export interface DetectorPipeline {
  /** Folds one validated event into per-key state; returns any snapshot and alerts it triggered. */
  process(event: UsageEvent): PipelineOutput;
  /** Scores every key with unscored events (end of a replay) and returns the last snapshots and alerts. */
  finish(): PipelineOutput;
  stats(): PipelineStats;
}
