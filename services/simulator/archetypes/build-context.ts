import { createHash } from 'node:crypto';
import { MODELS, type ModelPolicy } from '../profile.ts';
import type { Rng } from '../random.ts';
import { DAY_MS, HOUR_MS } from '../schedule.ts';
import { isAttackArchetype, type KeyArchetype, type KeyTruth } from '../truth.ts';

/** What an archetype builder gets: its own random stream, the simulated span and the model release time. */
export interface BuildContext {
  rng: Rng;
  start: number;
  end: number;
  releaseAt: number;
  variant: number;
  /** Campaign id for attack builders ("c01-bulk_distillation"); null for benign customers. */
  campaignId: string | null;
  /** Member keys per coordinated network (hydra). */
  networkMembers: number;
}

export const newKeyId = (rng: Rng) => `key_${rng.token(24)}`;
export const newOrgId = (rng: Rng) => `org_${rng.token(14)}`;
export const newAccountId = (rng: Rng) => `acct_${rng.token(16)}`;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A client's system prompt hash from random text only: nothing guessable (archetype, ids) goes into it. */
export function randomSystemPromptHash(rng: Rng): string {
  return sha256Hex(`system prompt ${rng.token(32)}`);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A time zone offset for a customer's home region (hours from UTC). */
export function homeTimezone(rng: Rng): number {
  return rng.weighted([
    [-8, 3],
    [-5, 4],
    [0, 2],
    [1, 3],
    [5.5, 2],
    [8, 1],
    [9, 2],
  ]);
}

export function billingCountryFor(rng: Rng, tz: number): string {
  if (tz <= -5)
    return rng.weighted([
      ['US', 5],
      ['CA', 1],
      ['BR', 1],
    ]);
  if (tz <= 1) return rng.pick(['GB', 'DE', 'FR', 'NL', 'ES']);
  if (tz < 8) return 'IN';
  return rng.pick(['JP', 'KR', 'SG']);
}

/** Benign customers move to the new model over days (some never); eager ones within hours. */
export function benignModels(rng: Rng, releaseAt: number, eager: boolean): ModelPolicy {
  const delay = eager ? rng.uniform(2, 18) * HOUR_MS : rng.logNormal(3, 0.7) * DAY_MS;
  return {
    oldModelWeights: [
      [MODELS.old[0], rng.uniform(0.2, 0.9)],
      [MODELS.old[1], 0.3],
    ],
    adoptAt: releaseAt + delay,
    rampMs: eager ? rng.uniform(6, 24) * HOUR_MS : rng.uniform(2, 7) * DAY_MS,
    maxShare: rng.uniform(0.4, 0.9),
  };
}

/** Extraction operations pivot to the new model within a day of release (Anthropic, Feb 2026). */
export function pivotModels(releaseAt: number, pivotMs: number): ModelPolicy {
  return { oldModelWeights: [[MODELS.old[0], 1]], adoptAt: releaseAt + pivotMs, rampMs: HOUR_MS, maxShare: 1 };
}

export function keyTruth(
  ctx: BuildContext,
  ids: { api_key_id: string; org_id: string },
  archetype: KeyArchetype,
  span: { from: number; until: number; campaignStart: number | null; rotatedFrom?: string },
): KeyTruth {
  return {
    ...ids,
    archetype,
    label: isAttackArchetype(archetype) ? 'attack' : 'benign',
    variant: ctx.variant,
    campaign_id: ctx.campaignId,
    campaign_start: span.campaignStart === null ? null : iso(span.campaignStart),
    active_from: iso(span.from),
    active_until: iso(span.until),
    rotated_from: span.rotatedFrom ?? null,
  };
}
