import { z } from 'zod';
import { baselineValues, normalisationSchema } from './normalisation.ts';

const MODEL_FORMAT = 'distillguard-model/1';
export const METADATA_JSON = 'metadata.json';

const modelKindSchema = z.enum(['autoencoder', 'classifier']);

/** Reconstruction error → 0–1 by log-linear interpolation between anchors taken from benign held-out errors. */
const errorAnchorsSchema = z.object({
  kind: z.literal('error-anchors'),
  anchors: z
    .array(z.object({ error: z.number().positive(), score: z.number().min(0).max(1), label: z.string() }))
    .min(2),
});

/** Classifier logit → probability by Platt scaling fitted on validation keys; threshold chosen there too. */
const plattSchema = z.object({
  kind: z.literal('platt'),
  a: z.number(),
  b: z.number(),
  threshold: z.number().min(0).max(1),
});

const calibrationSchema = z.discriminatedUnion('kind', [errorAnchorsSchema, plattSchema]);

const trainingDataSchema = z.object({
  generator: z.string(),
  hours: z.number().positive(),
  seeds: z.object({ train: z.array(z.int()), heldOut: z.array(z.int()) }),
  /** Simulator archetypes (and variants) in the training split, with how many keys each. */
  archetypes: z.record(z.string(), z.int().nonnegative()),
  /** Archetype variants kept out of training entirely and used only for evaluation. */
  heldOutVariants: z.array(z.string()),
  counts: z.object({
    snapshots: z.int().nonnegative(),
    positive: z.int().nonnegative(),
    negative: z.int().nonnegative(),
    keys: z.int().nonnegative(),
    analystLabels: z.int().nonnegative(),
  }),
  labelsFile: z.string().nullable(),
});

export const modelMetadataSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    name: z.string().min(1),
    kind: modelKindSchema,
    version: z.string().regex(/^[A-Za-z0-9._-]+$/),
    /** Derived from the training data's event time, not the wall clock, so a re-run writes the same file. */
    created: z.iso.datetime(),
    features: z.array(z.string().min(1)).min(1),
    /** Classes of the classifier's category head (alert categories), in output order; empty for none. */
    categories: z.array(z.string().min(1)).default([]),
    normalisation: normalisationSchema,
    /** Benign median of each feature in raw units: the baseline shown in reasons. */
    baseline: z.array(z.number()),
    hyperparameters: z.record(z.string(), z.union([z.number(), z.string()])),
    training: trainingDataSchema,
    /** Held-out metrics per evaluation split, e.g. { held_out_seed: { pr_auc: 0.97 } }. */
    metrics: z.record(z.string(), z.record(z.string(), z.number())),
    calibration: calibrationSchema,
  })
  .superRefine((m, ctx) => {
    const width = m.features.length;
    const arrays = {
      'normalisation.transforms': m.normalisation.transforms,
      'normalisation.center': m.normalisation.center,
      'normalisation.scale': m.normalisation.scale,
      baseline: m.baseline,
    };
    for (const [path, values] of Object.entries(arrays)) {
      if (values.length !== width) {
        ctx.addIssue({ code: 'custom', path: [path], message: `has ${values.length} entries for ${width} features` });
      }
    }
    if (new Set(m.features).size !== width) ctx.addIssue({ code: 'custom', path: ['features'], message: 'duplicates' });
  });

export type ModelKind = z.infer<typeof modelKindSchema>;
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;
export type Calibration = z.infer<typeof calibrationSchema>;
export type ErrorAnchors = z.infer<typeof errorAnchorsSchema>;
export type PlattCalibration = z.infer<typeof plattSchema>;
export type TrainingData = z.infer<typeof trainingDataSchema>;

/** Assembles metadata for a freshly trained model; the baseline is derived from the normalisation's centres. */
export function createMetadata(
  fields: Omit<ModelMetadata, 'format' | 'name' | 'baseline' | 'categories'> & { name?: string; categories?: string[] },
): ModelMetadata {
  const baseline = baselineValues(fields.normalisation);
  return modelMetadataSchema.parse({ format: MODEL_FORMAT, name: fields.name ?? fields.kind, baseline, ...fields });
}
