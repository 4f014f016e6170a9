import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { errors } from '../../common/errors.ts';
import { parseOr } from '../../common/zod-issues.ts';
import { decayedSumsSchema, keySnapshotSchema } from './key-snapshot.ts';

export const histogramSchema = z.object({ landmark: z.number(), lastTs: z.number(), weights: z.string() });

export const countersSchema = z.object({
  events: z.number(),
  snapshots: z.number(),
  alerts: z.number(),
  byCategory: z.record(z.string(), z.number()),
  byKind: z.record(z.string(), z.number()),
  keysSeen: z.number(),
  evicted: z.number(),
});

/** An idle key as kept: identity, last seen, its own baseline and its flagged-prompt sub-stream. */
export const compactedKeySchema = z.object({
  apiKeyId: z.string(),
  orgId: z.string(),
  model: z.string(),
  endpoint: z.string(),
  firstSeen: z.number(),
  createdAtMs: z.number().nullable(),
  lastSeen: z.number(),
  baseline: z.object({ samples: z.number(), since: z.number(), data: z.string() }),
  /** Absent in checkpoints written before compaction kept the sub-stream: the key revives with it empty. */
  instructed: decayedSumsSchema.optional(),
});

/**
 * Version 1 of a whole pipeline's state: every key (active or compacted), orgs, cohorts, counters, stage 2, in one
 * JSON document. No longer written (checkpoints are pages, `pipeline-pages.ts`); read so that checkpoints stored in
 * it still restore.
 */
export const pipelineSnapshotSchema = z.object({
  v: z.literal(1),
  watermark: z.number().nullable(),
  nextSweep: z.number(),
  counters: countersSchema,
  keys: z.array(keySnapshotSchema),
  compacted: z.array(compactedKeySchema),
  orgs: z.record(z.string(), z.string()),
  population: z.record(z.string(), z.array(histogramSchema)),
  coordination: z.unknown().optional(),
});

export type PipelineSnapshot = z.infer<typeof pipelineSnapshotSchema>;

/** Snapshots taken before checkpoints were compressed by the store alone are gzipped JSON (they start 1f 8b). */
const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Decodes (JSON, or the older gzipped JSON) and validates; throws DG_ERR_BAD_INPUT on anything else. */
export function decodePipelineSnapshot(bytes: Uint8Array): PipelineSnapshot {
  let value: unknown;
  try {
    value = JSON.parse((isGzip(bytes) ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8'));
  } catch (error) {
    throw errors.badInput(`detector snapshot is not JSON (${(error as Error).message})`, error);
  }
  return parseOr(pipelineSnapshotSchema, value, (issues) => errors.badInput(`detector snapshot invalid: ${issues}`));
}
