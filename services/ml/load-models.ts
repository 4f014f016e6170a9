import type { MlConfig } from '../common/config/ml.ts';
import { errors } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { silentLogger } from '../common/logger.ts';
import { AutoencoderModel } from './autoencoder-model.ts';
import { ClassifierModel } from './classifier-model.ts';
import type { ModelKind } from './model-metadata.ts';
import { loadModel, resolveModelDir, type StoredModel } from './model-store.ts';
import { initTf, type TfBackendName } from './runtime.ts';

export interface MlModels {
  backend: TfBackendName;
  autoencoder: AutoencoderModel;
  classifier: ClassifierModel;
}

async function loadKind(dir: string, kind: ModelKind, features: readonly string[]): Promise<StoredModel> {
  const stored = await loadModel(dir, features);
  if (stored.metadata.kind !== kind) {
    stored.model.dispose();
    throw errors.model(`${dir} holds a ${stored.metadata.kind}, expected kind ${kind}`);
  }
  return stored;
}

export async function loadAutoencoder(dir: string, features: readonly string[]): Promise<AutoencoderModel> {
  return new AutoencoderModel(await loadKind(dir, 'autoencoder', features));
}

export async function loadClassifier(dir: string, features: readonly string[]): Promise<ClassifierModel> {
  return new ClassifierModel(await loadKind(dir, 'classifier', features));
}

/** Initialises tfjs and loads the configured versions of both models; throws DG_ERR_MODEL on any mismatch. */
export async function loadMlModels(
  config: MlConfig,
  features: readonly string[],
  logger: Logger = silentLogger,
): Promise<MlModels> {
  const backend = await initTf({ backend: config.backend, logger });
  const aeDir = await resolveModelDir(config.modelsDir, 'autoencoder', config.versions.autoencoder);
  const clDir = await resolveModelDir(config.modelsDir, 'classifier', config.versions.classifier);
  const autoencoder = await loadAutoencoder(aeDir, features);
  const classifier = await loadClassifier(clDir, features).catch((error: unknown) => {
    autoencoder.dispose();
    throw error;
  });
  logger.info(
    { component: 'ml', backend, autoencoder: aeDir, classifier: clDir, features: features.length },
    'tfjs models loaded',
  );
  return { backend, autoencoder, classifier };
}
