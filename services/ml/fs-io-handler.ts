import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { z } from 'zod';
import { errors } from '../common/errors.ts';
import { readJsonFile } from '../common/stored-files.ts';
import { tf } from './runtime.ts';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

const weightSpecSchema = z.looseObject({
  name: z.string().min(1),
  shape: z.array(z.int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
});

const modelJsonSchema = z.looseObject({
  modelTopology: z.looseObject({ class_name: z.string().optional() }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(weightSpecSchema) })),
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
});

/** tf.io's file:// handler ships only with tfjs-node; this one saves and loads the layers format over node:fs. */
export function fileSystemHandler(dir: string): io.IOHandler {
  return { save: (artifacts) => saveArtifacts(dir, artifacts), load: () => loadArtifacts(dir) };
}

async function saveArtifacts(dir: string, artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer || !artifacts.modelTopology) {
    throw errors.model('only layers-format models (JSON topology) can be saved');
  }
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  await writeFile(join(dir, MODEL_JSON), `${JSON.stringify(modelJson, null, 1)}\n`);
  await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
}

async function loadArtifacts(dir: string): Promise<io.ModelArtifacts> {
  const json = await readJsonFile(join(dir, MODEL_JSON), modelJsonSchema, 'is not a layers model');
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const paths = json.weightsManifest.flatMap((group) => group.paths);
  const buffers = await Promise.all(paths.map((p) => readWeightFile(dir, p)));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const expected = specs.reduce(
    (sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_ELEMENT[s.dtype] ?? 4),
    0,
  );
  if (weightData.byteLength !== expected) {
    throw errors.model(`${dir}: weights hold ${weightData.byteLength} bytes, the manifest describes ${expected}`);
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: specs as io.WeightsManifestEntry[],
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
  };
}

async function readWeightFile(dir: string, name: string): Promise<ArrayBuffer> {
  // Weight paths are names inside the model directory; anything else could read arbitrary files.
  if (basename(name) !== name) throw errors.model(`${dir}: weight path '${name}' leaves the model directory`);
  const bytes = await readFile(join(dir, name)).catch((cause: unknown) => {
    throw errors.model(`${join(dir, name)}: weights file missing or unreadable`, cause);
  });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
