import { z } from 'zod';
import { KeyState } from './key-state.ts';
import type { KeyStateParams } from './sketch-params.ts';

const ring = z.object({ head: z.number(), data: z.string() });
const distinct = z.object({
  generationStart: z.number(),
  adds: z.tuple([z.number(), z.number()]),
  current: z.string(),
  previous: z.string(),
});
const baseline = z.object({ samples: z.number(), since: z.number(), data: z.string() });
export const decayedSumsSchema = z.object({ landmark: z.number(), sums: z.string() });

/** Version 1 of a key's serialised state (JSON; typed arrays as base64). */
export const keySnapshotSchema = z.object({
  v: z.literal(1),
  apiKeyId: z.string(),
  orgId: z.string(),
  model: z.string(),
  endpoint: z.string(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  createdAtMs: z.number().nullable(),
  events: z.number(),
  minutes: ring,
  hours: ring,
  sums: decayedSumsSchema,
  /** Absent in snapshots written before the sub-stream existed: it starts empty. */
  instructed: decayedSumsSchema.optional(),
  prompts: distinct,
  vocab: distinct,
  ips: distinct,
  asns: distinct,
  countries: distinct,
  fingerprints: z.object({ filled: z.number(), next: z.number(), data: z.string() }),
  outputTokens: z.object({ landmark: z.number(), lastTs: z.number(), weights: z.string() }),
  gap: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  lastSnapshotMinute: z.number(),
  dirty: z.boolean(),
  evidence: z.array(z.string()),
  recent: z.array(z.string()),
  alerts: z.record(z.string(), z.object({ alertId: z.string(), score: z.number(), raisedAt: z.number() })),
  baseline,
});

export type KeySnapshot = z.infer<typeof keySnapshotSchema>;

/** Serialises one key's full state (for checkpoints and size measurement). */
export function snapshotKeyState(s: KeyState): KeySnapshot {
  return {
    v: 1,
    apiKeyId: s.apiKeyId,
    orgId: s.orgId,
    model: s.model,
    endpoint: s.endpoint,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    createdAtMs: s.createdAtMs,
    events: s.events,
    minutes: s.minutes.snapshot(),
    hours: s.hours.snapshot(),
    sums: s.sums.snapshot(),
    instructed: s.instructed.snapshot(),
    prompts: s.prompts.snapshot(),
    vocab: s.vocab.snapshot(),
    ips: s.ips.snapshot(),
    asns: s.asns.snapshot(),
    countries: s.countries.snapshot(),
    fingerprints: s.fingerprints.snapshot(),
    outputTokens: s.outputTokens.snapshot(),
    gap: [s.gapLastTs, s.gapMean, s.gapVar, s.gaps],
    lastSnapshotMinute: s.lastSnapshotMinute,
    dirty: s.dirty,
    evidence: [...s.evidence],
    recent: [...s.recent],
    alerts: Object.fromEntries(Object.entries(s.alerts).filter((e) => e[1] !== undefined)) as KeySnapshot['alerts'],
    baseline: s.baseline.snapshot(),
  };
}

/** Rebuilds a key's state from `snapshotKeyState` output (validated; throws on a malformed snapshot). */
export function restoreKeyState(value: unknown, params: KeyStateParams): KeyState {
  const k = keySnapshotSchema.parse(value);
  const identity = {
    orgId: k.orgId,
    model: k.model,
    endpoint: k.endpoint,
    firstSeen: k.firstSeen,
    createdAtMs: k.createdAtMs,
  };
  const s = new KeyState(k.apiKeyId, identity, params);
  s.baseline.load(k.baseline);
  s.minutes.load(k.minutes);
  s.hours.load(k.hours);
  s.sums.load(k.sums);
  if (k.instructed) s.instructed.load(k.instructed);
  s.prompts.load(k.prompts);
  s.vocab.load(k.vocab);
  s.ips.load(k.ips);
  s.asns.load(k.asns);
  s.countries.load(k.countries);
  s.fingerprints.load(k.fingerprints);
  s.outputTokens.load(k.outputTokens);
  Object.assign(s, {
    lastSeen: k.lastSeen,
    events: k.events,
    lastSnapshotMinute: k.lastSnapshotMinute,
    dirty: k.dirty,
    evidence: k.evidence,
    recent: k.recent,
    alerts: k.alerts,
  });
  [s.gapLastTs, s.gapMean, s.gapVar, s.gaps] = k.gap;
  return s;
}
