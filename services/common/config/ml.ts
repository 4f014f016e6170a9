import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { repoPath } from '../runtime-paths.ts';
import { bool, oneOf, str } from './env-helpers.ts';

/** The models/ folder shipped with DistillGuard, wherever the command is started from. */
export const BUNDLED_MODELS_DIR = repoPath('models');

/** Empty means the bundled folder; a relative path is taken from the working directory, as a user typed it. */
function modelsDirOf(value: string): string {
  if (value === '') return BUNDLED_MODELS_DIR;
  return isAbsolute(value) ? value : resolve(value);
}

const versionName = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, 'a model version is a directory name: letters, digits, dot, dash, underscore');

export const mlEnv = z
  .object({
    DG_ML_ENABLED: bool(true).describe('Score keys with the TensorFlow.js autoencoder and classifier'),
    DG_TF_BACKEND: oneOf(['auto', 'tensorflow', 'wasm', 'cpu'], 'auto').describe(
      'TensorFlow.js backend; auto tries tfjs-node, then wasm, then cpu',
    ),
    DG_MODELS_DIR: str().describe(
      'Directory holding <name>/<version>/ models and calibration/; empty = the bundled models/ folder',
    ),
    DG_AUTOENCODER_VERSION: versionName
      .default('latest')
      .describe('Autoencoder version under models/autoencoder/ (latest = highest version)'),
    DG_CLASSIFIER_VERSION: versionName
      .default('latest')
      .describe('Classifier version under models/classifier/ (latest = highest version)'),
    DG_ELICITATION_VERSION: versionName
      .default('latest')
      .describe('Chain-of-thought elicitation classifier under models/elicitation/ (latest = highest version)'),
    DG_CALIBRATION_VERSION: versionName
      .default('latest')
      .describe('Alert-threshold calibration under models/calibration/ (latest = highest version)'),
  })
  .transform((e) => ({
    enabled: e.DG_ML_ENABLED,
    backend: e.DG_TF_BACKEND,
    modelsDir: modelsDirOf(e.DG_MODELS_DIR),
    versions: {
      autoencoder: e.DG_AUTOENCODER_VERSION,
      classifier: e.DG_CLASSIFIER_VERSION,
      elicitation: e.DG_ELICITATION_VERSION,
    },
    calibrationVersion: e.DG_CALIBRATION_VERSION,
  }));

export type MlConfig = z.output<typeof mlEnv>;
