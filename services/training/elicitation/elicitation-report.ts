import type { Share } from './elicitation-metrics.ts';
import type { Compared, ElicitationMetrics } from './elicitation-training-run.ts';

function pct(s: Share): string {
  const f = (x: number) => `${(100 * x).toFixed(2)}%`;
  return `${f(s.rate)} (${s.flagged.toLocaleString('en-US')}/${s.total.toLocaleString('en-US')}; 95% CI ${f(s.lower)}–${f(s.upper)})`;
}

function row(what: string, slice: string, c: Compared): string {
  return `| ${what} | ${slice} | ${pct(c.classifier)} | ${pct(c.phraseList)} |`;
}

/** `reports/elicitation-classifier.md`, written by `distillguard train-elicitation`. */
export function elicitationReport(
  metrics: ElicitationMetrics,
  meta: { version: string; seed: number; modelPath: string; heldOutFamilies: string[]; heldOutLanguage: string },
): string {
  const { tune, report } = metrics;
  const lines = [
    '# Chain-of-thought elicitation classifier',
    '',
    `Written by \`distillguard train-elicitation --seed ${meta.seed} --version ${meta.version}\` (model \`${meta.modelPath}\`).`,
    'A logistic regression over signed hashed unigrams and bigrams of the head and tail of the prompt',
    '(`services/ml/elicitation/`), trained on ShareGPT human turns as negatives and harvesting instructions from',
    '`services/training/elicitation/harvest-instructions.ts` wrapped around human turns as positives.',
    '',
    '**Which data is which.** *tune* = ShareGPT conversations 0–6,999: the first 80% (in file order) trained on, the',
    'last 20% (*tune calibration*, not trained on) chose the threshold. *report* = conversations 7,000–9,999, never',
    'trained on nor used for any choice. Positives in the report use report-slice turns as payloads; *held-out*',
    `instruction families were never trained on: ${meta.heldOutFamilies.map((f) => `\`${f}\``).join(', ')} — every family of`,
    `the held-out language \`${meta.heldOutLanguage}\` among them, reported separately below.`,
    '',
    `**Operating threshold: ${metrics.threshold.toFixed(4)}** (probability), the lowest at which the 95% upper bound of the`,
    `false-positive rate on the tune calibration negatives stays at ${100 * metrics.maxTuneFpr}% or under. The phrase list is`,
    '`scanElicitation` (reasoning or rationale phrase) on the same prompts.',
    '',
    '| prompts | data | classifier flags | phrase list flags |',
    '|---|---|---|---|',
    row('human turns (false-positive rate)', 'tune calibration', tune.negatives),
    `| human turns the phrase list matches | tune calibration | ${pct(tune.phraseNegatives)} | 100% by definition |`,
    row('harvest prompts, training families (recall)', 'tune calibration', tune.positives),
    row('ordinary requests, training languages (false-positive rate)', 'tune calibration', tune.requests),
    row('**human turns (false-positive rate)**', '**report**', report.negatives),
    `| **human turns the phrase list matches** | **report** | ${pct(report.phraseNegatives)} | 100% by definition |`,
    row('harvest prompts, training families (recall)', 'report', report.seenFamilies),
    row('**harvest prompts, held-out families (recall)**', '**report**', report.heldOutFamilies),
    row(
      `**harvest prompts, held-out language \`${meta.heldOutLanguage}\` (recall)**`,
      '**report**',
      report.heldOutLanguage,
    ),
    row('**ordinary requests, training languages (false-positive rate)**', '**report**', report.requests),
    row(
      `**ordinary requests, held-out language \`${meta.heldOutLanguage}\` (false-positive rate)**`,
      '**report**',
      report.requestsHeldOutLanguage,
    ),
    '',
    '## Ordinary requests per language (report, false-positive rate)',
    '',
    'Requests to write, summarise, translate, rewrite or explain, with instructions about the form of the answer',
    '(`services/training/elicitation/benign-instructions.ts`), half of them around report-slice turns. Languages and',
    'answer formats carry no label: only asking for the reasoning trace does.',
    '',
    '| language | classifier | phrase list |',
    '|---|---|---|',
    ...report.perLanguageRequests.map((r) => `| \`${r.language}\` | ${pct(r.classifier)} | ${pct(r.phraseList)} |`),
    '',
    '## Recall per held-out family (report)',
    '',
    '| family | classifier | phrase list |',
    '|---|---|---|',
    ...report.perHeldOutFamily.map((f) => `| \`${f.family}\` | ${pct(f.classifier)} | ${pct(f.phraseList)} |`),
    '',
    '## Training',
    '',
    `${metrics.counts.trainPositives.toLocaleString('en-US')} positives, ${metrics.counts.trainNegatives.toLocaleString('en-US')} negatives`,
    `(${metrics.counts.hardNegatives} of them hard negatives — human turns the phrase list matches — weighted ×5;`,
    `${metrics.counts.requests.toLocaleString('en-US')} of them ordinary requests in the training languages);`,
    `final training log loss ${metrics.trainingLoss.toFixed(4)}.`,
    '',
    '## Limits',
    '',
    '- The positives come from one grammar written here; held-out families measure generalisation to paraphrases of',
    '  the same ideas, not to a harvester with unrelated phrasing. A generator nobody here has seen is the real test.',
    '- The tokeniser drops punctuation, so `<reasoning>` and `"reasoning":` both reach the model as the word',
    '  `reasoning`; structure is seen only through words.',
    '- Negatives are ShareGPT chat turns and the ordinary requests of one small grammar; tutoring apps, eval',
    '  harnesses or API products with fixed templates may phrase requests differently.',
    '',
  ];
  return lines.join('\n');
}
