import { z } from 'zod';
import { severitySchema } from '../../schemas/alert-v1.ts';
import { keySignatureSchema } from './key-signature.ts';

const uint32 = z.int().min(0).max(4_294_967_295);

/** Checkpoint of a coordination engine: per-key signatures plus the little global state a pass needs. */
export const coordinationSnapshotSchema = z.object({
  v: z.literal(1),
  startedAt: z.int().nullable(),
  lastPassAt: z.int().nullable(),
  keys: z.array(z.object({ signature: keySignatureSchema, families: z.array(z.int().min(1).nullable()) })),
  dirty: z.array(z.string()),
  families: z.object({
    nextId: z.int().min(1),
    leaders: z.array(z.object({ id: z.int().min(1), hi: uint32, lo: uint32 })),
  }),
  alerted: z.array(
    z.object({ alertId: z.string(), raisedAtMs: z.int(), severity: severitySchema, members: z.array(z.string()) }),
  ),
});

export type CoordinationSnapshot = z.infer<typeof coordinationSnapshotSchema>;
