import { FEATURE_INDEX } from '../../detector/features/feature-names.ts';
import type { KeyFeatureSnapshot } from '../../detector/types.ts';
import type { SystemRecorder } from '../system-recorder.ts';
import type { IsolationForest } from './isolation-forest.ts';
import { type LogisticRegression, logScale } from './logistic-regression.ts';

/** A baseline that judges each of the detector's feature snapshots as it is produced. */
export interface SnapshotSystem {
  readonly recorder: SystemRecorder;
  observe(snapshot: KeyFeatureSnapshot): void;
}

/** The shortcut a simulator-trained detector learns: a hosting network and a key younger than a week. */
export const SHORTCUT_RULE = { datacenterShareAtLeast: 0.5, keyAgeDaysBelow: 7 } as const;

export function shortcutFires(values: ArrayLike<number>): boolean {
  return (
    values[FEATURE_INDEX.datacenter_asn_share]! >= SHORTCUT_RULE.datacenterShareAtLeast &&
    values[FEATURE_INDEX.key_age_days]! < SHORTCUT_RULE.keyAgeDaysBelow
  );
}

/** Baseline: flags a snapshot when the shortcut rule holds; its score is 1 or 0. */
export function shortcutSystem(recorder: SystemRecorder): SnapshotSystem {
  return {
    recorder,
    observe(s) {
      if (shortcutFires(s.values)) recorder.flag(s.api_key_id, s.ts, 1);
      else recorder.score(s.api_key_id, s.ts, 0);
    },
  };
}

/** A scored model with the threshold fixed on tuning data: flag above it, record the score either way. */
function thresholdSystem(recorder: SystemRecorder, score: (values: ArrayLike<number>) => number, threshold: number) {
  return {
    recorder,
    observe(s: KeyFeatureSnapshot) {
      const value = score(s.values);
      if (value > threshold) recorder.flag(s.api_key_id, s.ts, value);
      else recorder.score(s.api_key_id, s.ts, value);
    },
  };
}

export function logisticSystem(recorder: SystemRecorder, model: LogisticRegression, threshold: number): SnapshotSystem {
  return thresholdSystem(recorder, (v) => model.predict(v), threshold);
}

export function isolationSystem(recorder: SystemRecorder, forest: IsolationForest, threshold: number): SnapshotSystem {
  return thresholdSystem(recorder, (v) => forest.score(logScale(v)), threshold);
}
