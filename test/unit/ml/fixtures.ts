import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetadata, type ModelKind, type ModelMetadata } from '../../../services/ml/model-metadata.ts';
import type { Normalisation } from '../../../services/ml/normalisation.ts';
import { createPrng } from '../../../services/ml/prng.ts';

export const SYNTH_FEATURES = ['req_per_min', 'out_tokens_per_min', 'template_share', 'reasoning_share', 'ip_count'];

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Benign rows: correlated volume features, low template and reasoning shares, a few IPs. */
export function benignRows(count: number, seed: number): number[][] {
  const random = createPrng(seed);
  return Array.from({ length: count }, () => {
    const rate = Math.exp(1 + 0.5 * gaussian(random));
    return [
      rate,
      rate * (300 + 30 * gaussian(random)),
      Math.min(1, Math.max(0, 0.1 + 0.03 * gaussian(random))),
      Math.min(1, Math.max(0, 0.05 + 0.02 * gaussian(random))),
      Math.max(1, Math.round(2 + gaussian(random))),
    ];
  });
}

/** Attack rows: benign-looking volume but templated prompts that elicit reasoning. */
export function attackRows(count: number, seed: number): number[][] {
  return benignRows(count, seed).map((row) => {
    const copy = [...row];
    copy[2] = 0.85 + 0.1 * ((seed + copy[0]!) % 1);
    copy[3] = 0.7;
    return copy;
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `dg-ml-${prefix}-`));
}

export function metadataFor(
  kind: ModelKind,
  normalisation: Normalisation,
  calibration: ModelMetadata['calibration'],
  features: string[] = SYNTH_FEATURES,
): ModelMetadata {
  return createMetadata({
    kind,
    version: 'test-1',
    created: '2026-02-01T00:00:00.000Z',
    features,
    normalisation,
    hyperparameters: { epochs: 1 },
    training: {
      generator: 'unit test',
      hours: 1,
      seeds: { train: [1], heldOut: [2] },
      archetypes: { synthetic: 1 },
      heldOutVariants: [],
      counts: { snapshots: 1, positive: 0, negative: 1, keys: 1, analystLabels: 0 },
      labelsFile: null,
    },
    metrics: {},
    calibration,
  });
}
