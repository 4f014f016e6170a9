import type { TimedEvent } from './key-stream.ts';
import type { GroundTruth, PromptMode } from './truth.ts';

/** Traffic generators the evaluation can draw from: the original archetypes, and the domain-randomised family. */
export type TrafficFamily = 'classic' | 'randomised';

/**
 * A labelled traffic dataset from any generator: what evaluation, training and calibration consume, so none of them
 * depends on one simulator's internals. `timedEvents` is lazy and re-iterable (the same events each time).
 */
export interface Dataset {
  /** Human-readable identity, quoted in reports, e.g. `randomised/r3 seed 1001`. */
  name: string;
  family: TrafficFamily;
  /** Variant family within the generator (classic: "0,1,2"; randomised: r1, r2, r3). */
  variant: string;
  seed: number;
  hours: number;
  promptMode: PromptMode;
  truth: GroundTruth;
  timedEvents: Iterable<TimedEvent>;
}
