import { ATTACK_BUILDERS } from './archetypes/attack.ts';
import { BENIGN_BUILDERS } from './archetypes/benign.ts';
import { type BuildContext, iso } from './archetypes/build-context.ts';
import { hydraMemberCount, populationCounts, type ResolvedSimulationOptions } from './options.ts';
import { MODELS, type SimulatedKeyProfile } from './profile.ts';
import { Rng } from './random.ts';
import { HOUR_MS } from './schedule.ts';
import { type Archetype, archetypeSchema, type CampaignTruth, type GroundTruth, isAttackArchetype } from './truth.ts';

export interface Population {
  profiles: SimulatedKeyProfile[];
  truth: GroundTruth;
}

function buildersOf(archetype: Archetype) {
  const builder = isAttackArchetype(archetype) ? ATTACK_BUILDERS[archetype] : BENIGN_BUILDERS[archetype];
  if (!builder) throw new Error(`no builder for archetype ${archetype}`);
  return builder;
}

function campaignTruth(
  campaignId: string,
  archetype: Archetype,
  variant: number,
  keys: SimulatedKeyProfile[],
): CampaignTruth {
  const starts = keys.map((k) => Date.parse(k.truth.campaign_start ?? k.truth.active_from));
  return {
    campaign_id: campaignId,
    archetype,
    variant,
    start: iso(Math.min(...starts)),
    api_key_ids: keys.map((k) => k.truth.api_key_id),
    org_ids: [...new Set(keys.map((k) => k.truth.org_id))],
  };
}

/**
 * Builds every key of the simulated population. Each entity draws from its own labelled stream, so
 * changing one archetype's count leaves the others' keys unchanged.
 */
export function buildPopulation(options: ResolvedSimulationOptions): Population {
  const root = new Rng(`distillguard-sim:${options.seed}`);
  const end = options.start + options.hours * HOUR_MS;
  const releaseAt = Math.floor(options.start + (end - options.start) * options.newModelAt);
  const counts = populationCounts(options);
  const profiles: SimulatedKeyProfile[] = [];
  const campaigns: CampaignTruth[] = [];
  for (const archetype of archetypeSchema.options) {
    const attack = isAttackArchetype(archetype);
    for (let i = 0; i < counts[archetype]; i++) {
      const rng = root.fork(`${archetype}#${i}`);
      const variant = rng.pick(options.variants);
      const campaignId = attack ? `${archetype}-${String(i + 1).padStart(2, '0')}` : null;
      const ctx: BuildContext = {
        rng,
        start: options.start,
        end,
        releaseAt,
        variant,
        campaignId,
        networkMembers: hydraMemberCount(options),
      };
      const keys = buildersOf(archetype)(ctx);
      profiles.push(...keys);
      if (campaignId) campaigns.push(campaignTruth(campaignId, archetype, variant, keys));
    }
  }
  const truth: GroundTruth = {
    version: 1,
    seed: options.seed,
    start: iso(options.start),
    end: iso(end),
    prompt_mode: options.promptMode,
    new_model: MODELS.next,
    new_model_released_at: iso(releaseAt),
    keys: profiles.map((p) => p.truth),
    campaigns,
  };
  return { profiles, truth };
}
