import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { errors } from '../../common/errors.ts';
import { readJsonFile, versionDir, writeJsonFile } from '../../common/stored-files.ts';
import { parseOr } from '../../common/zod-issues.ts';
import { HASHING_SCHEME, MAX_WINDOW, SCALINGS } from './elicitation-features.ts';
import type { ElicitationModel } from './elicitation-scorer.ts';

/** models/elicitation/<version>/elicitation.json */
export const ELICITATION_MODEL_NAME = 'elicitation';
export const ELICITATION_JSON = 'elicitation.json';
const FORMAT = 'distillguard-elicitation/2';

/** Weights are stored as little-endian int16 (value = q · scale), base64: 2^18 buckets fit in ~700 KB. */
const weightsSchema = z.object({
  encoding: z.literal('int16le-base64'),
  scale: z.number().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
});

export const elicitationFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.string().regex(/^[A-Za-z0-9._-]+$/),
  hashing: z.object({
    scheme: z.literal(HASHING_SCHEME),
    bits: z.int().min(8).max(22),
    head: z.int().min(1).max(MAX_WINDOW),
    tail: z.int().min(0).max(MAX_WINDOW),
    scaling: z.enum(SCALINGS),
  }),
  bias: z.number(),
  threshold: z.number().gt(0).lt(1),
  weights: weightsSchema,
  /** How the model was trained and what it scored on tune and report data (free-form, for people). */
  training: z.record(z.string(), z.unknown()),
});
export type ElicitationFile = z.infer<typeof elicitationFileSchema>;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Quantises weights to int16 for the file; `decodeWeights` gives back exactly what the shipped model scores with. */
export function encodeWeights(weights: Float32Array): ElicitationFile['weights'] {
  let maxAbs = 0;
  for (const w of weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs > 0 ? maxAbs / 32_767 : 1;
  const bytes = new Uint8Array(2 * weights.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < weights.length; i++) view.setInt16(i * 2, Math.round(weights[i]! / scale), true);
  return { encoding: 'int16le-base64', scale, sha256: sha256(bytes), data: Buffer.from(bytes).toString('base64') };
}

/** The float weights of a validated file; `where` names the file in errors. */
function decodeWeights(file: ElicitationFile, where: string): Float32Array {
  const bytes = Buffer.from(file.weights.data, 'base64');
  const expected = 2 * 2 ** file.hashing.bits;
  if (bytes.length !== expected) {
    throw errors.model(
      `${where}: weights hold ${bytes.length} bytes, hashing.bits ${file.hashing.bits} needs ${expected}`,
    );
  }
  if (sha256(bytes) !== file.weights.sha256) throw errors.model(`${where}: weights do not match weights.sha256`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const weights = new Float32Array(expected / 2);
  for (let i = 0; i < weights.length; i++) weights[i] = view.getInt16(i * 2, true) * file.weights.scale;
  return weights;
}

/** Checks a parsed JSON value and returns the scorer's model; throws `DG_ERR_MODEL` naming `where` and each problem. */
export function parseElicitationModel(value: unknown, where: string): ElicitationModel {
  const file = parseOr(elicitationFileSchema, value, (issues) =>
    errors.model(`${where} is not an elicitation model: ${issues}`),
  );
  return modelFromFile(file, where);
}

function modelFromFile(file: ElicitationFile, where: string): ElicitationModel {
  return {
    version: file.version,
    hashing: {
      bits: file.hashing.bits,
      head: file.hashing.head,
      tail: file.hashing.tail,
      scaling: file.hashing.scaling,
    },
    bias: file.bias,
    weights: decodeWeights(file, where),
    threshold: file.threshold,
  };
}

/** Loads models/elicitation/<version>/elicitation.json (`latest` = highest version) from a models directory. */
export async function loadElicitationModel(modelsDir: string, version = 'latest'): Promise<ElicitationModel> {
  const dir = await versionDir(join(modelsDir, ELICITATION_MODEL_NAME), version, 'elicitation models');
  const path = join(dir, ELICITATION_JSON);
  const file = await readJsonFile(path, elicitationFileSchema, 'is not an elicitation model');
  return modelFromFile(file, path);
}

/** The classifier `DG_MODELS_DIR` and `DG_ELICITATION_VERSION` name (`config.ml`); DG_ERR_MODEL when it cannot load. */
export function loadConfiguredElicitation(config: {
  modelsDir: string;
  versions: { elicitation: string };
}): Promise<ElicitationModel> {
  return loadElicitationModel(config.modelsDir, config.versions.elicitation);
}

/**
 * The classifier the detector scores prompts with, or null with one line to `warn` saying what is lost when it cannot
 * be loaded (a models folder without it, a bad file): the detector then runs without `harvest_instruction_share`.
 */
export async function loadElicitationOrWarn(
  config: { modelsDir: string; versions: { elicitation: string } },
  warn: (message: string) => void,
): Promise<ElicitationModel | null> {
  try {
    return await loadConfiguredElicitation(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warn(`elicitation classifier not used (${reason}); harvest_instruction_share stays 0 and its rules cannot fire`);
    return null;
  }
}

/** Writes `dir/elicitation.json` after validating it; returns the path. */
export async function writeElicitationModel(dir: string, file: ElicitationFile): Promise<string> {
  const path = join(dir, ELICITATION_JSON);
  await writeJsonFile(path, elicitationFileSchema, file, 2);
  return path;
}
