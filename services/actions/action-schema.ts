import { z } from 'zod';
import { alertKindSchema, severitySchema } from '../../schemas/alert-v1.ts';

/** What an action does to a key. `lift` and `expire` appear only in the audit log, never as active actions. */
export const enforcementTypeSchema = z.enum(['rate_limit', 'require_review', 'suspend']);
export const actionTypeSchema = z.enum(['rate_limit', 'require_review', 'suspend', 'lift', 'expire']);

/**
 * `enforce`: published to the key-actions topic and followed by gateways. `dry_run`: audited only, what the policy
 * would have done. `recommendation`: audited only, because the circuit breaker was open or the alert suppressed.
 */
export const actionModeSchema = z.enum(['enforce', 'dry_run', 'recommendation']);

export const SYSTEM_POLICY_ACTOR = 'system:policy';
export const SYSTEM_EXPIRY_ACTOR = 'system:expiry';

/**
 * Requests per minute of a limit: `key_actions.rpm` is a UInt32 column, so a larger value is refused here, at every
 * boundary, instead of wrapping around in ClickHouse (2^32 would be stored as 0). Tokens per minute are UInt64: any
 * safe integer fits.
 */
export const rpmSchema = z.int().positive().max(4_294_967_295);
export const tpmSchema = z.int().positive();

/** One action on one key: the audit row in ClickHouse `key_actions` and the element of the topic value. */
export const keyActionSchema = z.object({
  action_id: z.string().min(1),
  api_key_id: z.string().min(1).max(128),
  org_id: z.string(),
  action: actionTypeSchema,
  mode: actionModeSchema,
  rpm: rpmSchema.nullable(),
  tpm: tpmSchema.nullable(),
  reason: z.string(),
  /** `system:policy`, `system:expiry` or the user who acted. */
  actor: z.string().min(1),
  /** The alert that caused the action (or the resolved alert for a lift); '' for manual actions. */
  alert_id: z.string(),
  /** The policy rule that matched; '' for manual actions, lifts and expiries. */
  rule: z.string(),
  /** For `lift`/`expire`: the action that ended; '' otherwise. */
  target_action_id: z.string(),
  created_at_ms: z.int().nonnegative(),
  /** Epoch ms when an enforcement ends; null for `lift`/`expire`. */
  expires_at_ms: z.int().nonnegative().nullable(),
});

/** An enforced action that is in force until `expires_at_ms`. */
export const activeActionSchema = keyActionSchema.extend({
  action: enforcementTypeSchema,
  mode: z.literal('enforce'),
  expires_at_ms: z.int().nonnegative(),
});

/**
 * The value on the compacted key-actions topic (key = api_key_id): every active enforced action on the key, the
 * effective one first. A tombstone (null value) means no active action.
 */
export const keyActionStateSchema = z.object({
  api_key_id: z.string().min(1),
  actions: z.array(activeActionSchema).min(1),
  updated_at_ms: z.int().nonnegative(),
});

/** What a gateway should do with a key right now. */
export const decisionSchema = z.object({
  decision: z.enum(['allow', 'limit', 'deny']),
  limits: z.object({ rpm: rpmSchema.optional(), tpm: tpmSchema.optional() }).optional(),
  reason: z.string().optional(),
  /** RFC 3339 time when this decision may change (earliest expiry of the actions behind it). */
  expires_at: z.string().optional(),
  action_id: z.string().optional(),
  action: enforcementTypeSchema.optional(),
});

const durationMsSchema = z
  .int()
  .positive()
  .max(365 * 86_400_000);

export const manualActionInputSchema = z
  .object({
    api_key_id: z.string().min(1).max(128),
    org_id: z.string().max(128).default(''),
    action: enforcementTypeSchema,
    rpm: rpmSchema.optional(),
    tpm: tpmSchema.optional(),
    durationMs: durationMsSchema,
    reason: z.string().min(1).max(2000),
    actor: z.string().min(1).max(200),
    /** A retried request with the same key (same actor, same API key) returns the first action. */
    idempotency_key: z.string().min(1).max(200).optional(),
  })
  .refine((v) => v.action !== 'rate_limit' || v.rpm !== undefined || v.tpm !== undefined, {
    message: 'rate_limit needs rpm or tpm',
    path: ['rpm'],
  });

/** Throttle keys (one key: "apply recommendation"; a cluster's members) at the limit derived from each key's usage. */
export const throttleInputSchema = z.object({
  api_key_ids: z.array(z.string().min(1).max(128)).min(1).max(1000),
  durationMs: durationMsSchema,
  reason: z.string().min(1).max(2000),
  actor: z.string().min(1).max(200),
  /** The case or alert the throttle answers (stored as `alert_id`); '' when none. */
  source_id: z.string().max(200).default(''),
  idempotency_key: z.string().min(1).max(200).optional(),
});

/** A case as the policy acts on it: one decision over its keys, with the case's severity and category. */
const caseSubjectSchema = z.object({
  case_id: z.string().min(1).max(200),
  kind: alertKindSchema,
  api_key_ids: z.array(z.string().min(1).max(128)).min(1).max(1000),
  /** The keys' orgs paired by position; a list that is not one per key is completed from usage_events by the reader. */
  org_ids: z.array(z.string().max(128)).default([]),
  severity: severitySchema,
  category: z.string().min(1).max(200),
});

/** A case resolved as a true positive: its keys go through the policy as an alert with the case's figures would. */
export const caseEnforcementSchema = caseSubjectSchema.extend({
  /** The analyst confirmed it, so 1 unless the case's own score is passed. */
  score: z.number().min(0).max(1).default(1),
  actor: z.string().min(1).max(200),
});

/** An open case's evidence as the case projector sees it after folding: the policy acts on the case as one decision. */
export const caseEvidenceSchema = caseSubjectSchema.extend({
  score: z.number().min(0).max(1),
  /** Event time of the case's latest alert: decides live vs backfill as an alert's `raised_at` does. */
  last_evidence_ms: z.int().nonnegative(),
});

export const manualLiftInputSchema = z.object({
  api_key_id: z.string().min(1).max(128),
  reason: z.string().min(1).max(2000),
  actor: z.string().min(1).max(200),
});

const resolutionLabelSchema = z.enum(['true_positive', 'false_positive', 'benign_heavy_user']);

export const alertResolutionSchema = z.object({
  alert_id: z.string().min(1),
  api_key_ids: z.array(z.string().min(1)),
  label: resolutionLabelSchema,
  actor: z.string().min(1),
});

export type EnforcementType = z.infer<typeof enforcementTypeSchema>;
export type KeyAction = z.infer<typeof keyActionSchema>;
export type ActiveAction = z.infer<typeof activeActionSchema>;
export type KeyActionState = z.infer<typeof keyActionStateSchema>;
export type Decision = z.infer<typeof decisionSchema>;
export type ManualActionInput = z.input<typeof manualActionInputSchema>;
export type ManualLiftInput = z.infer<typeof manualLiftInputSchema>;
export type ThrottleInput = z.input<typeof throttleInputSchema>;
export type CaseEnforcement = z.input<typeof caseEnforcementSchema>;
export type CaseEvidence = z.input<typeof caseEvidenceSchema>;
export type AlertResolution = z.infer<typeof alertResolutionSchema>;

const windowCountSchema = z.object({ count: z.int(), limit: z.int(), tripped: z.boolean() });

/** The circuit breaker as `GET /v1/actions/breaker` shows it. */
export const breakerStatusSchema = z.object({
  open: z.boolean(),
  window_ms: z.int(),
  overall: windowCountSchema,
  /** Orgs with at least one automatic action in the window, busiest first. */
  orgs: z.array(windowCountSchema.extend({ org_id: z.string() })),
  /** When the breaker last tripped (RFC 3339), if it did. */
  last_tripped_at: z.string().nullable(),
  /** Automatic actions turned into recommendations because the breaker was open, since the process started. */
  recommendations_while_open: z.int(),
});

const percentilesSchema = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() });

/** Per-key rate-limit recommendation from the key's own per-minute history (active minutes only). */
export const limitRecommendationSchema = z.object({
  api_key_id: z.string(),
  from: z.string(),
  to: z.string(),
  active_minutes: z.int(),
  requests_per_minute: percentilesSchema.nullable(),
  tokens_per_minute: percentilesSchema.nullable(),
  /** p99 times the configured headroom, rounded up: a ceiling for normal use; null with too little history. */
  suggested: z.object({ rpm: z.int().positive(), tpm: z.int().positive() }).nullable(),
  /** A limit that bites: the configured fraction of the median (p50), at least the floors; null without history. */
  throttle: z.object({ rpm: z.int().positive(), tpm: z.int().positive() }).nullable(),
});

export type BreakerStatus = z.infer<typeof breakerStatusSchema>;
export type LimitRecommendation = z.infer<typeof limitRecommendationSchema>;
