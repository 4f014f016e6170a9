import { z } from 'zod';
import { errors } from '../../common/errors.ts';
import { parseOr } from '../../common/zod-issues.ts';
import { keySnapshotSchema } from './key-snapshot.ts';
import { compactedKeySchema, countersSchema, histogramSchema } from './pipeline-snapshot.ts';

/** Replaying one Map's changes: delete `removed`, then set `written` in order (see `MapChanges`). */
const mapDelta = <T extends z.ZodType>(entry: T) => z.object({ removed: z.array(z.string()), written: z.array(entry) });

/**
 * Version 1 of a delta checkpoint: what changed in a pipeline's state since the previous checkpoint (full or delta).
 * Keys, organisations and cohorts written or removed since then; clock and counters whole (they are small). No longer
 * written (deltas are pages, `pipeline-pages.ts`); read so that chains stored in it still restore.
 */
export const pipelineDeltaSchema = z.object({
  v: z.literal(1),
  delta: z.literal(true),
  watermark: z.number().nullable(),
  nextSweep: z.number(),
  counters: countersSchema,
  active: mapDelta(keySnapshotSchema),
  compacted: mapDelta(compactedKeySchema),
  orgs: mapDelta(z.tuple([z.string(), z.string()])),
  cohorts: mapDelta(z.tuple([z.string(), z.array(histogramSchema)])),
  coordination: z.unknown().optional(),
});

export type PipelineDelta = z.infer<typeof pipelineDeltaSchema>;

/** Decodes and validates; throws DG_ERR_BAD_INPUT on anything else, before any state is touched. */
export function decodePipelineDelta(bytes: Uint8Array): PipelineDelta {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw errors.badInput(`detector delta checkpoint is not JSON (${(error as Error).message})`, error);
  }
  return parseOr(pipelineDeltaSchema, value, (issues) =>
    errors.badInput(`detector delta checkpoint invalid: ${issues}`),
  );
}
