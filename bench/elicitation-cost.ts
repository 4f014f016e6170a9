/**
 * Per-call cost of the elicitation classifier on token hashes the detector already has (prepared-event.ts):
 * `npx tsx bench/elicitation-cost.ts` (or `node dist/bench/elicitation-cost.js` after `make build`). Prompts are
 * tokenised once up front; the figures are the scorer alone, per prompt of ~100, 256 and 2,048 tokens: CPU time
 * (process.cpuUsage, fair on a shared machine) and wall time.
 */
import { BUNDLED_MODELS_DIR } from '../services/common/config/ml.ts';
import { MAX_PROMPT_TOKENS, tokenHashes } from '../services/common/text/tokenize.ts';
import { loadElicitationModel } from '../services/ml/elicitation/elicitation-model-file.ts';
import { elicitationProbability } from '../services/ml/elicitation/elicitation-scorer.ts';

const WORDS =
  'the model answer explain reasoning data table function value user request step list write code for in of and a to'.split(
    ' ',
  );

/** 64 different prompts of `length` tokens, as token hashes. */
function prompts(length: number): Int32Array[] {
  return Array.from({ length: 64 }, (_, p) => {
    const text = Array.from({ length }, (_, i) => WORDS[(i * 7 + p * 13 + ((i * p) % 5)) % WORDS.length]).join(' ');
    const tokens = new Int32Array(MAX_PROMPT_TOKENS);
    const count = tokenHashes(text, tokens);
    return tokens.slice(0, count);
  });
}

const model = await loadElicitationModel(BUNDLED_MODELS_DIR);
for (const length of [100, 256, 2_048]) {
  const set = prompts(length);
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += elicitationProbability(model, set[i & 63]!, set[i & 63]!.length);
  const calls = 400_000;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < calls; i++) sink += elicitationProbability(model, set[i & 63]!, set[i & 63]!.length);
  const cpu = process.cpuUsage(cpuStart);
  const wallNs = Number(process.hrtime.bigint() - start) / calls;
  const cpuNs = ((cpu.user + cpu.system) * 1_000) / calls;
  console.log(
    `${String(length).padStart(5)} tokens: ${cpuNs.toFixed(0)} ns CPU, ${wallNs.toFixed(0)} ns wall per prompt ` +
      `(checksum ${sink.toFixed(1)})`,
  );
}
