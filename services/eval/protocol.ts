import { errors } from '../common/errors.ts';
import type { Dataset } from '../simulator/dataset.ts';
import { TUNING_VARIANTS } from '../simulator/randomised/randomised-options.ts';

/**
 * The evaluation protocol of issue 10: which traffic may tune rules, weights, thresholds and models, and which is
 * only ever reported on. Training and calibration code calls `assertTuningDataset` before it reads a dataset.
 */
export type DatasetRole = 'tuning' | 'in_distribution' | 'held_out';

/** The classic simulator's report seed; every other classic seed may be used for tuning. */
const CLASSIC_REPORT_SEED = 2026;
/** Randomised-family seeds from here on are report seeds, whatever the variant. */
const FIRST_REPORT_SEED = 1000;
/** TUNING_VARIANTS (randomised-options.ts) may be tuned on below FIRST_REPORT_SEED; every other variant is held out. */
const HELD_OUT_VARIANTS = ['r4'] as const;

/** The protocol in words, quoted by the report and the README. */
export const PROTOCOL_TEXT = [
  `TUNING (rules, weights, thresholds, model training may read it): classic seeds other than ${CLASSIC_REPORT_SEED}; ` +
    `randomised ${TUNING_VARIANTS.join(', ')} with seeds < ${FIRST_REPORT_SEED} (r3 since 2026-12-03, when it was ` +
    'read to diagnose false positives: seeds 77 and 1001, the latter no report set since); the ShareGPT `tune` slice ' +
    '(conversations 0–6,999).',
  `HELD OUT (never used for tuning anything, its templates never read by whoever tunes): randomised ` +
    `${HELD_OUT_VARIANTS.join(', ')} at any seed, every seed ≥ ${FIRST_REPORT_SEED}, the ShareGPT \`report\` slice ` +
    '(conversations 7,000–9,999).',
  `IN-DISTRIBUTION report sets (same generators and variants as tuning, unseen seeds; not used for tuning): classic ` +
    `seed ${CLASSIC_REPORT_SEED}, randomised r1 seed ${FIRST_REPORT_SEED}. Reported so the gap to held-out data is visible.`,
];

/** `r4`, `r4-nohuman`, `r1/report` → `r4`, `r4`, `r1`. */
function baseVariant(variant: string): string {
  return /^r\d+/.exec(variant)?.[0] ?? variant;
}

/** A randomised variant no seed of which may be tuned on (`r4`, `r4-nohuman`, an unknown `r9`). */
export function isHeldOutVariant(variant: string): boolean {
  return !(TUNING_VARIANTS as readonly string[]).includes(baseVariant(variant));
}

/** What the protocol reads of a dataset; `humanPrompts` is the randomised family's record of its ShareGPT slice. */
export type ProtocolView = Pick<Dataset, 'family' | 'variant' | 'seed' | 'name'> & {
  humanPrompts?: { slice: string } | null;
};

/** Datasets whose benign prompts come from the ShareGPT report slice are report data, whatever else they are. */
function usesReportPrompts(ds: ProtocolView): boolean {
  return ds.humanPrompts?.slice === 'report';
}

export function datasetRole(ds: ProtocolView): DatasetRole {
  if (ds.family === 'classic') return ds.seed === CLASSIC_REPORT_SEED ? 'in_distribution' : 'tuning';
  if (isHeldOutVariant(ds.variant)) return 'held_out';
  if (ds.seed >= FIRST_REPORT_SEED) return 'in_distribution';
  return usesReportPrompts(ds) ? 'held_out' : 'tuning';
}

/** Refuses any dataset the protocol keeps out of tuning (held-out variants or seeds, report prompts, report seeds). */
export function assertTuningDataset(ds: ProtocolView): void {
  const role = datasetRole(ds);
  if (role !== 'tuning') {
    throw errors.forbidden(
      `${ds.name} is ${role.replace('_', '-')} data; the evaluation protocol keeps it out of tuning`,
    );
  }
}
