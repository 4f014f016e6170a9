// Writes the first `--count` events of the simulator (seed 7, 48 simulated hours, default population) as JSON
// lines to `--out`, through the simulator's own JSONL sink.
import { renameSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { simulate } from '../../services/simulator/index.ts';
import type { TimedEvent } from '../../services/simulator/key-stream.ts';
import { writeJsonl } from '../../services/simulator/sinks/jsonl-file.ts';
import { emitResult } from '../lib/child.ts';

const { values } = parseArgs({ options: { count: { type: 'string' }, out: { type: 'string' } } });
const count = Number(values.count);
const out = values.out!;
const SIMULATION = { seed: 7, hours: 48 } as const;

let promptChars = 0;
function* firstEvents(): Generator<TimedEvent> {
  let n = 0;
  for (const timed of simulate(SIMULATION).timedEvents) {
    if (n++ >= count) return;
    promptChars += timed.event.prompt_text?.length ?? 0;
    yield timed;
  }
}

const started = performance.now();
const written = await writeJsonl(`${out}.tmp`, firstEvents());
renameSync(`${out}.tmp`, out);
emitResult({
  count: written,
  bytes: statSync(out).size,
  meanPromptChars: promptChars / Math.max(1, written),
  seconds: (performance.now() - started) / 1000,
});
