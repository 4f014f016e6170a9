import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { DistillGuardError, errors } from '../common/errors.ts';
import { readJsonFile, versionDir } from '../common/stored-files.ts';
import { fileSystemHandler } from './fs-io-handler.ts';
import { METADATA_JSON, type ModelMetadata, modelMetadataSchema } from './model-metadata.ts';
import { tf } from './runtime.ts';

export interface StoredModel {
  model: LayersModel;
  metadata: ModelMetadata;
  dir: string;
}

/** Writes model.json, weights.bin and metadata.json into `dir` (created when missing). */
export async function saveModel(dir: string, model: LayersModel, metadata: ModelMetadata): Promise<void> {
  const checked = modelMetadataSchema.parse(metadata);
  await mkdir(dir, { recursive: true });
  await model.save(fileSystemHandler(dir));
  await writeFile(join(dir, METADATA_JSON), `${JSON.stringify(checked, null, 2)}\n`);
}

/**
 * Loads a model directory; refuses malformed metadata or weights and a model with an input the code does not offer
 * as a model input (`allowedFeatures`). Inputs are matched by name, so features the code appended after the model was
 * trained do not invalidate it; the model simply does not see them until retrained.
 */
export async function loadModel(dir: string, allowedFeatures: readonly string[]): Promise<StoredModel> {
  const metadata = await readMetadata(dir);
  assertAllowedInputs(dir, metadata.features, allowedFeatures);
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(fileSystemHandler(dir));
  } catch (cause) {
    if (cause instanceof DistillGuardError) throw cause;
    throw errors.model(`${dir}: layers model cannot be built: ${(cause as Error).message}`, cause);
  }
  const inputWidth = model.inputs[0]?.shape[1];
  if (inputWidth !== metadata.features.length) {
    model.dispose();
    throw errors.model(`${dir}: model input width ${inputWidth} != ${metadata.features.length} metadata features`);
  }
  return { model, metadata, dir };
}

async function readMetadata(dir: string): Promise<ModelMetadata> {
  return readJsonFile(join(dir, METADATA_JSON), modelMetadataSchema, 'is malformed');
}

/**
 * Names the first model input the code does not allow (a removed or renamed feature, or a context feature no model
 * may see), so an operator knows to retrain.
 */
function assertAllowedInputs(dir: string, inputs: readonly string[], allowed: readonly string[]): void {
  const allowedSet = new Set(allowed);
  const refused = inputs.find((name) => !allowedSet.has(name));
  if (refused === undefined) return;
  throw errors.model(
    `${dir} takes input '${refused}', which is not one of the code's ${allowed.length} model features ` +
      `(behaviour only) — retrain with 'distillguard train'`,
  );
}

/** models/<name>/<version>; `latest` picks the highest version by numeric-aware ordering. */
export async function resolveModelDir(modelsDir: string, name: string, version: string): Promise<string> {
  return versionDir(join(modelsDir, name), version, 'models');
}
