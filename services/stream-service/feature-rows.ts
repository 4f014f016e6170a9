import { FEATURE_NAMES } from '../detector/features/feature-names.ts';
import type { KeyFeatureSnapshot } from '../detector/types.ts';

/** Maps a feature snapshot to a `key_features` row (names stored with values so old rows stay readable). */
export function toKeyFeatureRow(s: KeyFeatureSnapshot): Record<string, unknown> {
  return {
    api_key_id: s.api_key_id,
    org_id: s.org_id,
    model: s.model,
    ts: Math.floor(s.ts / 1000),
    ts_ms: s.ts,
    feature_names: FEATURE_NAMES,
    feature_values: s.values.map((v) => (Number.isFinite(v) ? v : 0)),
    score: s.score,
    // The part calibration reads; a snapshot without one falls back to its whole score.
    evidence: s.evidence ?? s.score,
  };
}
