import type { Dataset } from '../dataset.ts';
import { loadHumanPrompts } from '../human-prompts/loader.ts';
import type { TimedEvent } from '../key-stream.ts';
import { promptFieldsFor } from '../key-stream.ts';
import { mergeByTime } from '../merge.ts';
import { type EventSettings, keyEvents } from './key-events.ts';
import {
  type RandomisedOptions,
  type ResolvedRandomisedOptions,
  randomisedOptionsSchema,
} from './randomised-options.ts';
import { buildPopulation } from './randomised-population.ts';

export type { RandomisedOptions } from './randomised-options.ts';

/** A randomised-family dataset, plus which human prompts it used and why not when it fell back. */
export interface RandomisedDataset extends Dataset {
  options: ResolvedRandomisedOptions;
  /** The ShareGPT slice and its size, or null when the generator's own prompts stood in for human ones. */
  humanPrompts: { slice: 'tune' | 'report'; turns: number } | null;
  /** Set when human prompts were asked for and could not be loaded (names `make data-sharegpt`). */
  warning: string | null;
}

function humansFor(o: ResolvedRandomisedOptions) {
  if (o.humanPrompts === 'none') return { prompts: null, warning: null };
  const loaded = loadHumanPrompts(o.humanPrompts, o.humanPromptsPath);
  return loaded.ok
    ? { prompts: loaded.prompts, warning: null }
    : { prompts: null, warning: `${loaded.message}; using synthetic human-like prompts instead` };
}

/**
 * How a stressed dataset's name says so: ` (outputs ×2, rates ×1.5, segments jittered σ 0.5)`; empty at the
 * variant's own regime.
 */
function stressLabel(o: { outScale: number; rateScale: number; segmentJitter: number }): string {
  const parts = [
    o.outScale !== 1 ? `outputs ×${o.outScale}` : '',
    o.rateScale !== 1 ? `rates ×${o.rateScale}` : '',
    o.segmentJitter !== 0 ? `segments jittered σ ${o.segmentJitter}` : '',
  ];
  const said = parts.filter(Boolean).join(', ');
  return said ? ` (${said})` : '';
}

/** The domain-randomised traffic family (README.md): deterministic, lazy, re-iterable, in global event-time order. */
export function randomisedDataset(options: RandomisedOptions = {}): RandomisedDataset {
  const o = randomisedOptionsSchema.parse(options);
  const { prompts, warning } = humansFor(o);
  const variant = prompts ? o.variant : `${o.variant}-nohuman`;
  const settings: EventSettings = { seed: o.seed, variant: o.variant, promptMode: o.promptMode };
  const { truth } = buildPopulation(o, prompts);
  const timedEvents: Iterable<TimedEvent> = {
    // Prompt sources keep per-key state (sweep positions), so each iteration rebuilds the population.
    [Symbol.iterator]: () => {
      const promptFields = promptFieldsFor(settings);
      return mergeByTime(buildPopulation(o, prompts).plans.map((p) => keyEvents(p, settings, promptFields)));
    },
  };
  return {
    name: `randomised/${variant} seed ${o.seed}${stressLabel(o)}`,
    family: 'randomised',
    variant,
    seed: o.seed,
    hours: o.hours,
    promptMode: o.promptMode,
    truth,
    timedEvents,
    options: o,
    humanPrompts: prompts && o.humanPrompts !== 'none' ? { slice: o.humanPrompts, turns: prompts.length } : null,
    warning,
  };
}
