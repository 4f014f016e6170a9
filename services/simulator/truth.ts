import { z } from 'zod';

export const BENIGN_ARCHETYPES = [
  'consumer_chat',
  'coding_agent',
  'document_pipeline',
  'eval_harness',
  'data_labelling',
  'researcher',
  'hobbyist',
] as const;

export const ATTACK_ARCHETYPES = [
  'bulk_distillation',
  'cot_harvesting',
  'capability_sweep',
  'hydra_network',
  'low_and_slow',
  'reseller',
  'region_evasion',
] as const;

export const archetypeSchema = z.enum([...BENIGN_ARCHETYPES, ...ATTACK_ARCHETYPES]);
export type Archetype = z.infer<typeof archetypeSchema>;

/** Benign segments of the domain-randomised family (`services/simulator/randomised/`); attacks reuse the names above. */
export const RANDOMISED_BENIGN_SEGMENTS = [
  'chat_app_cloud',
  'serverless_app',
  'enterprise_internal',
  'startup_new_key',
  'travelling_staff',
  'foreign_region_app',
  'document_generation',
  'eval_sweep',
  'synthetic_data',
  'tutoring_app',
  'coding_assistant',
  'translation_job',
  'small_user',
] as const;

/** What a key's truth may name: a classic archetype or a randomised-family benign segment. */
export const keyArchetypeSchema = z.enum([...BENIGN_ARCHETYPES, ...ATTACK_ARCHETYPES, ...RANDOMISED_BENIGN_SEGMENTS]);
export type KeyArchetype = z.infer<typeof keyArchetypeSchema>;

/** The generator that produced a truth file; absent in files written before the randomised family existed. */
export const familySchema = z.enum(['classic', 'randomised']);

export const promptModeSchema = z.enum(['text', 'fingerprint', 'both']);
export type PromptMode = z.infer<typeof promptModeSchema>;

const rfc3339 = z.iso.datetime({ offset: true });

/** What one simulated key really is. Lives in the truth file only, never in events. */
export const keyTruthSchema = z.object({
  api_key_id: z.string(),
  org_id: z.string(),
  archetype: keyArchetypeSchema,
  label: z.enum(['benign', 'attack']),
  /** Parameter variant of the archetype (classic 0–2; randomised r1–r3 as 1–3), so training can hold variants out. */
  variant: z.int().min(0),
  campaign_id: z.string().nullable(),
  /** When the key's extraction traffic begins (event time); null for benign keys. */
  campaign_start: rfc3339.nullable(),
  /** The key may send events in [active_from, active_until). */
  active_from: rfc3339,
  active_until: rfc3339,
  /** Key this one replaced on rotation (same customer, new key). */
  rotated_from: z.string().nullable(),
});

export const campaignTruthSchema = z.object({
  campaign_id: z.string(),
  archetype: archetypeSchema,
  variant: z.int().min(0),
  start: rfc3339,
  api_key_ids: z.array(z.string()),
  org_ids: z.array(z.string()),
});

export const groundTruthSchema = z.object({
  version: z.literal(1),
  family: familySchema.optional(),
  seed: z.int(),
  start: rfc3339,
  end: rfc3339,
  prompt_mode: promptModeSchema,
  /** The model released during the simulation, and when (benign keys move slowly, attackers within a day). */
  new_model: z.string(),
  new_model_released_at: rfc3339,
  keys: z.array(keyTruthSchema),
  campaigns: z.array(campaignTruthSchema),
});

export type KeyTruth = z.infer<typeof keyTruthSchema>;
export type CampaignTruth = z.infer<typeof campaignTruthSchema>;
export type GroundTruth = z.infer<typeof groundTruthSchema>;

export function isAttackArchetype(archetype: KeyArchetype): boolean {
  return (ATTACK_ARCHETYPES as readonly string[]).includes(archetype);
}
