import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { REPO_ROOT, repoPath } from '../../common/runtime-paths.ts';
import { ELICITATION_MODEL_NAME, writeElicitationModel } from '../../ml/elicitation/elicitation-model-file.ts';
import { loadHumanPrompts } from '../../simulator/human-prompts/loader.ts';
import { elicitationReport } from '../../training/elicitation/elicitation-report.ts';
import { trainElicitation } from '../../training/elicitation/elicitation-training-run.ts';
import { HELD_OUT_LANGUAGE } from '../../training/elicitation/harvest-instructions.ts';
import { parseCommandArgs, refuseExisting, validArgs, versionArg } from '../args.ts';

export const summary = 'train the chain-of-thought elicitation text classifier on ShareGPT human turns';

export const usage = `usage: distillguard train-elicitation [--seed N] [--version V] [--out DIR] [--report FILE]
                                      [--human-prompts FILE] [--limit N] [--force]

Trains the logistic regression over hashed unigrams and bigrams that scores a prompt's probability of being
chain-of-thought / rationale harvesting (services/ml/elicitation/). Negatives: ShareGPT human turns of the tune
slice (conversations 0-6,999; make data-sharegpt). Positives: harvesting instructions
(services/training/elicitation/harvest-instructions.ts) around turns of the same slice. The threshold is chosen on
the last 20% of the tune slice (FPR <= 0.5% at its 95% upper bound); the report slice (7,000-9,999) and the held-out
instruction families are only scored.

  --seed N              seed of the generator and the training order (default 1)
  --version V           model version to write (default 1); an existing one needs --force
  --out DIR             models directory (default: DG_MODELS_DIR, the bundled models/)
  --report FILE         the markdown report (default reports/elicitation-classifier.md; '-' = do not write)
  --human-prompts FILE  the human turns file (default .data/sharegpt/human-turns.jsonl)
  --limit N             at most N human turns per part (a quick run; default all)
  --force               overwrite an existing version

Writes DIR/elicitation/V/elicitation.json and prints the tune and report figures.`;

const OPTIONS = {
  seed: { type: 'string' },
  version: { type: 'string' },
  out: { type: 'string' },
  report: { type: 'string' },
  'human-prompts': { type: 'string' },
  limit: { type: 'string' },
  force: { type: 'boolean' },
} as const;

const argsSchema = z.object({
  seed: z.coerce.number().int().min(0).default(1),
  version: versionArg,
  limit: z.coerce.number().int().min(0).default(0),
});

function humanSlice(slice: 'tune' | 'report', path: string | undefined): readonly string[] {
  const loaded = loadHumanPrompts(slice, path);
  if (!loaded.ok) throw errors.badInput(loaded.message);
  return loaded.prompts;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('train-elicitation', argv, OPTIONS);
  const args = validArgs('train-elicitation', argsSchema, values);
  const dir = join(values.out ?? loadConfig().ml.modelsDir, ELICITATION_MODEL_NAME, args.version);
  await refuseExisting([dir], values.force);
  const { file, metrics } = trainElicitation({
    seed: args.seed,
    version: args.version,
    tune: humanSlice('tune', values['human-prompts']),
    report: humanSlice('report', values['human-prompts']),
    limit: args.limit,
  });
  const modelPath = await writeElicitationModel(dir, file);
  console.log(`wrote ${modelPath} (threshold ${metrics.threshold.toFixed(4)})`);
  const reportPath = values.report ?? repoPath('reports', 'elicitation-classifier.md');
  if (reportPath !== '-') {
    const markdown = elicitationReport(metrics, {
      version: args.version,
      seed: args.seed,
      modelPath: relative(REPO_ROOT, modelPath),
      heldOutFamilies: metrics.report.perHeldOutFamily.map((f) => f.family),
      heldOutLanguage: HELD_OUT_LANGUAGE,
    });
    await mkdir(dirname(reportPath), { recursive: true });
    await writeFile(reportPath, markdown);
    console.log(`wrote ${reportPath}`);
  }
  const { tune, report } = metrics;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(
    `  tune   FPR ${pct(tune.negatives.classifier.rate)} (phrase list ${pct(tune.negatives.phraseList.rate)})`,
  );
  console.log(
    `  report FPR ${pct(report.negatives.classifier.rate)} (phrase list ${pct(report.negatives.phraseList.rate)}), ` +
      `on phrase-matching turns ${pct(report.phraseNegatives.rate)}`,
  );
  console.log(
    `  report recall held-out families ${pct(report.heldOutFamilies.classifier.rate)} (phrase list ` +
      `${pct(report.heldOutFamilies.phraseList.rate)}), held-out language ${pct(report.heldOutLanguage.classifier.rate)} ` +
      `(phrase list ${pct(report.heldOutLanguage.phraseList.rate)})`,
  );
  return 0;
}
