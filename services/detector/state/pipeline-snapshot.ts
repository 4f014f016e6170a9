import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { errors } from '../../common/errors.ts';
import { keySnapshotSchema } from './key-snapshot.ts';

const histogram = z.object({ landmark: z.number(), lastTs: z.number(), weights: z.string() });

/** Version 1 of a whole pipeline's state: every key (active or compacted), orgs, cohorts, counters, stage 2. */
export const pipelineSnapshotSchema = z.object({
  v: z.literal(1),
  watermark: z.number().nullable(),
  nextSweep: z.number(),
  counters: z.object({
    events: z.number(),
    snapshots: z.number(),
    alerts: z.number(),
    byCategory: z.record(z.string(), z.number()),
    byKind: z.record(z.string(), z.number()),
    keysSeen: z.number(),
    evicted: z.number(),
  }),
  keys: z.array(keySnapshotSchema),
  compacted: z.array(
    z.object({
      apiKeyId: z.string(),
      orgId: z.string(),
      model: z.string(),
      endpoint: z.string(),
      firstSeen: z.number(),
      createdAtMs: z.number().nullable(),
      lastSeen: z.number(),
      baseline: z.object({ samples: z.number(), since: z.number(), data: z.string() }),
    }),
  ),
  orgs: z.record(z.string(), z.string()),
  population: z.record(z.string(), z.array(histogram)),
  coordination: z.unknown().optional(),
});

export type PipelineSnapshot = z.infer<typeof pipelineSnapshotSchema>;

/** Gzipped JSON: compact enough for a checkpoint topic or table, and readable with zcat. */
export function encodePipelineSnapshot(snapshot: PipelineSnapshot): Buffer {
  return gzipSync(JSON.stringify(snapshot));
}

/** Decodes and validates; throws DG_ERR_BAD_INPUT on anything that is not a v1 snapshot. */
export function decodePipelineSnapshot(bytes: Uint8Array): PipelineSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw errors.badInput(`detector snapshot is not gzipped JSON (${(error as Error).message})`, error);
  }
  const parsed = pipelineSnapshotSchema.safeParse(value);
  if (!parsed.success) throw errors.badInput(`detector snapshot invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
