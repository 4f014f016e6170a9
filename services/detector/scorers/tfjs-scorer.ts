import type { AlertReason } from '../../../schemas/alert-v1.ts';
import type { MlConfig } from '../../common/config/ml.ts';
import { LazyReasons } from '../../common/lazy-reasons.ts';
import type { Logger } from '../../common/logger.ts';
import type { AutoencoderModel } from '../../ml/autoencoder-model.ts';
import type { ClassifierModel } from '../../ml/classifier-model.ts';
import { loadMlModels } from '../../ml/load-models.ts';
import type { MlScore } from '../../ml/model-reasons.ts';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { MODEL_FEATURES, modelInputIndex, modelInputs } from '../features/feature-roles.ts';
import {
  ALERT_CATEGORIES,
  type AlertCategory,
  type PopulationContext,
  type ScoreInput,
  type Scorer,
  type ScorerResult,
} from './scorer.ts';

/** Adds the cohort percentile to a model's reasons when the population statistics are available. */
function withPercentiles(reasons: AlertReason[], population: PopulationContext | null): AlertReason[] {
  if (!population || population.samples <= 0) return reasons;
  return reasons.map((r) => {
    const index = FEATURE_NAMES.indexOf(r.feature as (typeof FEATURE_NAMES)[number]);
    if (index < 0) return r;
    const percentile = Math.max(0, Math.min(100, population.percentile(index, r.value)));
    return { ...r, percentile };
  });
}

/** A model's result as a scorer's: reasons (with cohort percentiles) worked out when an alert reads them. */
class ModelScorerResult extends LazyReasons<AlertReason[]> implements ScorerResult {
  readonly score: number;

  constructor(
    private readonly scored: MlScore,
    private readonly population: PopulationContext | null,
    readonly category?: AlertCategory,
  ) {
    super();
    this.score = scored.score;
  }

  protected explain(): AlertReason[] {
    return withPercentiles(this.scored.reasons, this.population);
  }
}

/** Novelty against benign behaviour; reasons are the features the autoencoder reconstructs worst. */
export function createAutoencoderScorer(model: AutoencoderModel): Scorer {
  const scratch: number[] = [];
  const index = modelInputIndex(model.metadata.features);
  return {
    name: 'autoencoder',
    score(input: ScoreInput): ScorerResult {
      const scored = model.score(modelInputs(input.features, scratch, index));
      return new ModelScorerResult(scored, input.population);
    },
  };
}

/**
 * Supervised attack probability and, when confident, the suspected category; reasons are the features whose reset
 * to the benign median lowers the probability most.
 */
export function createClassifierScorer(model: ClassifierModel): Scorer {
  const scratch: number[] = [];
  const index = modelInputIndex(model.metadata.features);
  return {
    name: 'classifier',
    score(input: ScoreInput): ScorerResult {
      const scored = model.score(modelInputs(input.features, scratch, index));
      const category = isAlertCategory(scored.category) ? scored.category : undefined;
      // Reasons are read when an alert needs them (the pipeline decides before the cohort learns from this snapshot).
      return new ModelScorerResult(scored, input.population, category);
    },
  };
}

function isAlertCategory(category: string | undefined): category is AlertCategory {
  return (ALERT_CATEGORIES as readonly (string | undefined)[]).includes(category);
}

/**
 * Loads the configured model versions (refusing any with an input outside MODEL_FEATURES, the behaviour features: a
 * model that could alert on network or account context is refused) and returns both scorers, each fed its own inputs
 * by name; an empty list when DG_ML_ENABLED is false.
 */
export async function loadTfjsScorers(config: MlConfig, logger?: Logger): Promise<Scorer[]> {
  if (!config.enabled) return [];
  const models = await loadMlModels(config, MODEL_FEATURES, logger);
  return [createAutoencoderScorer(models.autoencoder), createClassifierScorer(models.classifier)];
}
