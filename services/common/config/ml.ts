import { z } from 'zod';
import { bool } from './env-helpers.ts';

const versionName = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, 'a model version is a directory name: letters, digits, dot, dash, underscore');

export const mlEnv = z
  .object({
    DG_ML_ENABLED: bool(true).describe('Score keys with the TensorFlow.js autoencoder and classifier'),
    DG_TF_BACKEND: z
      .enum(['auto', 'tensorflow', 'wasm', 'cpu'])
      .default('auto')
      .describe('TensorFlow.js backend; auto tries tfjs-node, then wasm, then cpu'),
    DG_MODELS_DIR: z.string().min(1).default('models').describe('Directory holding models/<name>/<version>/'),
    DG_AUTOENCODER_VERSION: versionName
      .default('latest')
      .describe('Autoencoder version under models/autoencoder/ (latest = highest version)'),
    DG_CLASSIFIER_VERSION: versionName
      .default('latest')
      .describe('Classifier version under models/classifier/ (latest = highest version)'),
  })
  .transform((e) => ({
    enabled: e.DG_ML_ENABLED,
    backend: e.DG_TF_BACKEND,
    modelsDir: e.DG_MODELS_DIR,
    versions: { autoencoder: e.DG_AUTOENCODER_VERSION, classifier: e.DG_CLASSIFIER_VERSION },
  }));

export type MlConfig = z.output<typeof mlEnv>;
