import { createHash } from 'node:crypto';
import { Rng } from '../random.ts';
import type { CampaignTruth, GroundTruth, KeyArchetype, KeyTruth } from '../truth.ts';
import { type AttackMember, campaignPlan, withLeaks } from './attacks.ts';
import { type ContextTilt, drawContext, drawSharedContext, type KeyContext } from './context.ts';
import type { Behaviour, KeyPlan, ModelPlan } from './plan.ts';
import type { ResolvedRandomisedOptions } from './randomised-options.ts';
import { type ClientHabits, drawClientHabits, withHabits } from './request.ts';
import { type BuildEnv, SEGMENTS, type Workload } from './segments.ts';
import { type AttackName, type BenignSegment, type HeavySegment, VARIANT_SPECS } from './variants.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const NEW_MODEL = 'atlas-4';

/** One key before org assignment. */
interface Draft {
  rng: Rng;
  archetype: KeyArchetype;
  ctx: KeyContext;
  workload: Workload;
  attack:
    | (AttackMember & { campaignId: string; start: number; activeBefore: boolean; systemPrompt: string | null })
    | null;
}

/** Frameworks whose default system prompt many unrelated customers send unchanged. */
const SDK_SYSTEM_PROMPTS = [
  'You are a helpful assistant.',
  'You are a helpful AI assistant. Answer concisely.',
  'You are an expert assistant built with AgentKit.',
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Own prompt, a framework default shared across customers, or none: one distribution for every key. */
function systemPrompt(rng: Rng): string | undefined {
  const r = rng.next();
  if (r < 0.55) return sha256(`system ${rng.token(24)}`);
  if (r < 0.75) return sha256(rng.pick(SDK_SYSTEM_PROMPTS));
  return undefined;
}

function heavyCounts(o: ResolvedRandomisedOptions): Record<BenignSegment, number> {
  const spec = VARIANT_SPECS[o.variant];
  const entries = Object.entries(spec.mix) as [HeavySegment, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const heavy = Math.round(o.benignKeys * spec.heavyShare);
  const counts = {} as Record<BenignSegment, number>;
  let used = 0;
  for (const [segment, w] of entries) {
    counts[segment] = Math.max(1, Math.round((heavy * w) / total));
    used += counts[segment];
  }
  counts.small_user = Math.max(0, o.benignKeys - used);
  return counts;
}

/** The heavy segments' leanings weighted by their key counts: what the light tail and every attack key draw from. */
function heavyMixture(counts: Record<BenignSegment, number>): [ContextTilt, number][] {
  const out: [ContextTilt, number][] = [];
  for (const [segment, n] of Object.entries(counts) as [BenignSegment, number][]) {
    const tilt = SEGMENTS[segment].tilt;
    if (tilt) out.push([tilt, n]);
  }
  return out;
}

/**
 * The segment-jitter stress regime: `env` with its output and rate scales multiplied by one log-normal draw each for
 * this segment or attack (`segmentJitter` is the sigma). A stream of its own, so sigma 0 changes no other draw.
 */
function jittered(env: BuildEnv, o: ResolvedRandomisedOptions, name: string): BuildEnv {
  if (o.segmentJitter === 0) return env;
  const rng = new Rng(`distillguard-randomised-jitter:${o.seed}:${o.variant}:${name}`);
  const out = Math.exp(rng.normal(0, o.segmentJitter));
  const rate = Math.exp(rng.normal(0, o.segmentJitter));
  return { ...env, spec: { ...env.spec, outScale: env.spec.outScale * out, rateScale: env.spec.rateScale * rate } };
}

function benignDrafts(
  root: Rng,
  env: BuildEnv,
  o: ResolvedRandomisedOptions,
  counts: Record<BenignSegment, number>,
): Draft[] {
  const drafts: Draft[] = [];
  const mixture = heavyMixture(counts);
  const spanDays = o.hours / 24;
  for (const [segment, count] of Object.entries(counts) as [BenignSegment, number][]) {
    const tilt = SEGMENTS[segment].tilt;
    const segmentEnv = jittered(env, o, segment);
    for (let i = 0; i < count; i++) {
      const rng = root.fork(`benign/${segment}/${i}`);
      const ctx = tilt ? drawContext(rng, tilt, spanDays) : drawSharedContext(rng, mixture, spanDays);
      const workload = SEGMENTS[segment].build(rng, segmentEnv, ctx);
      drafts.push({ rng, archetype: segment, ctx, workload, attack: null });
    }
  }
  return drafts;
}

function attackDrafts(root: Rng, env: BuildEnv, o: ResolvedRandomisedOptions, tilts: [ContextTilt, number][]): Draft[] {
  const spec = VARIANT_SPECS[o.variant];
  const span = env.end - env.start;
  const drafts: Draft[] = [];
  for (const [attack, base] of Object.entries(spec.campaigns) as [AttackName, number][]) {
    for (let c = 0; c < Math.max(1, Math.round(base * o.attackScale)); c++) {
      const campaignId = `rc${String(drafts.length).padStart(3, '0')}-${attack}`;
      const crng = root.fork(`attack/${attack}/${c}`);
      const plan = campaignPlan(attack, crng, jittered(env, o, attack), campaignId);
      const from = plan.early ? [0, 0.1] : spec.campaignStart;
      const start = env.start + span * crng.uniform(from[0]!, from[1]!);
      const shared = plan.sharedSystemPrompt ? sha256(`harness ${crng.token(24)}`) : null;
      for (let k = 0; k < plan.keys; k++) {
        const rng = crng.fork(`key/${k}`);
        const ctx = drawSharedContext(rng, tilts, o.hours / 24);
        const member = plan.member(rng, ctx);
        const attackInfo = { ...member, campaignId, start, activeBefore: plan.activeBefore, systemPrompt: shared };
        drafts.push({ rng, archetype: attack, ctx, workload: member.workload, attack: attackInfo });
      }
    }
  }
  return drafts;
}

/** Groups keys that drew the same org size into orgs of that size, so keys per org is part of the shared draw. */
function assignOrgs(root: Rng, drafts: Draft[]): Map<Draft, { org: string; account: string }> {
  const bySize = new Map<number, Draft[]>();
  for (const d of drafts) {
    const list = bySize.get(d.ctx.orgKeys);
    if (list) list.push(d);
    else bySize.set(d.ctx.orgKeys, [d]);
  }
  const out = new Map<Draft, { org: string; account: string }>();
  const rng = root.fork('orgs');
  for (const size of [...bySize.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle(bySize.get(size)!);
    for (let i = 0; i < members.length; i += size) {
      const ids = { org: `org_${rng.token(14)}`, account: `acct_${rng.token(16)}` };
      for (const d of members.slice(i, i + size)) out.set(d, ids);
    }
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

function modelPlan(rng: Rng, attack: boolean, releaseAt: number): ModelPlan {
  if (attack)
    return { miniShare: 0.05, adoptAt: releaseAt + rng.uniform(1, 12) * HOUR_MS, rampMs: HOUR_MS, maxShare: 1 };
  return {
    miniShare: rng.uniform(0, 0.5),
    adoptAt: releaseAt + rng.logNormal(1.5, 0.9) * DAY_MS * (rng.chance(0.2) ? 0.1 : 1),
    rampMs: rng.uniform(0.5, 5) * DAY_MS,
    maxShare: rng.uniform(0.3, 0.9),
  };
}

function planOf(
  d: Draft,
  ids: { org: string; account: string },
  env: BuildEnv,
  variant: number,
  releaseAt: number,
): [KeyTruth, KeyPlan] {
  const { rng, ctx, attack } = d;
  const created = env.start - ctx.keyAgeDays * DAY_MS;
  const keyFrom = Math.max(env.start, created);
  const campaignStart = attack
    ? Math.min(env.end - HOUR_MS, Math.max(attack.start, keyFrom + rng.uniform(5, 120) * 60_000))
    : null;
  // Half of the aged or bought attack keys have ordinary history before the campaign, as a real account would.
  const cover = attack && !attack.activeBefore && campaignStart! - keyFrom > HOUR_MS && rng.chance(0.5);
  const activeFrom = attack && !attack.activeBefore && !cover ? campaignStart! : keyFrom;
  const truth: KeyTruth = {
    api_key_id: `key_${rng.token(24)}`,
    org_id: ids.org,
    archetype: d.archetype,
    label: attack ? 'attack' : 'benign',
    variant,
    campaign_id: attack?.campaignId ?? null,
    campaign_start: campaignStart === null ? null : iso(campaignStart),
    active_from: iso(activeFrom),
    active_until: iso(env.end),
    rotated_from: null,
  };
  const network = withLeaks(rng, ctx.network, attack?.leakShare ?? 0);
  const habits = drawClientHabits(rng);
  const behaviour: Behaviour = { prompt: d.workload.prompt, request: withHabits(d.workload.request, habits), network };
  const sp = attack?.systemPrompt ?? systemPrompt(rng);
  const plan: KeyPlan = {
    truth,
    context: ctx,
    activeFrom,
    activeUntil: env.end,
    ratePerHour: d.workload.ratePerHour,
    intensity: d.workload.intensity,
    behaviour,
    cover: cover ? coverPhase(rng, env, ctx, { network, habits }, campaignStart!) : null,
    mixed: attack?.mixed
      ? {
          behaviour: { prompt: attack.mixed.prompt, request: withHabits(attack.mixed.request, habits), network },
          share: attack.mixed.share,
          from: campaignStart!,
        }
      : null,
    models: modelPlan(rng, attack !== null, releaseAt),
    userAgents: ctx.userAgents,
    fixed: {
      account_id: ids.account,
      billing_country: ctx.billingCountry,
      key_created_at: iso(Math.floor(created)),
      ...(sp ? { system_prompt_sha256: sp } : {}),
    },
    tsFormat: ctx.tsFormat,
  };
  return [truth, plan];
}

/** A small user's traffic from the same key until the campaign starts. */
function coverPhase(
  rng: Rng,
  env: BuildEnv,
  ctx: KeyContext,
  client: { network: Behaviour['network']; habits: ClientHabits },
  until: number,
): KeyPlan['cover'] {
  const w = SEGMENTS.small_user.build(rng, env, ctx);
  return {
    behaviour: { prompt: w.prompt, request: withHabits(w.request, client.habits), network: client.network },
    ratePerHour: w.ratePerHour,
    intensity: w.intensity,
    until,
  };
}

export interface Population {
  truth: GroundTruth;
  plans: KeyPlan[];
}

/** Builds every key from the options (deterministic): truth and the per-key generation plans. */
export function buildPopulation(o: ResolvedRandomisedOptions, humans: readonly string[] | null): Population {
  const root = new Rng(`distillguard-randomised:${o.seed}:${o.variant}`);
  const end = o.start + o.hours * HOUR_MS;
  const base = VARIANT_SPECS[o.variant];
  const spec = { ...base, outScale: base.outScale * o.outScale, rateScale: base.rateScale * o.rateScale };
  const env: BuildEnv = { variant: o.variant, spec, start: o.start, end, humans };
  const counts = heavyCounts(o);
  const drafts = [...benignDrafts(root, env, o, counts), ...attackDrafts(root, env, o, heavyMixture(counts))];
  const orgs = assignOrgs(root, drafts);
  const releaseAt = o.start + (end - o.start) / 2;
  const variant = Number(o.variant.slice(1));
  const built = drafts.map((d) => planOf(d, orgs.get(d)!, env, variant, releaseAt));
  const keys = built.map(([t]) => t);
  return {
    truth: {
      version: 1,
      family: 'randomised',
      seed: o.seed,
      start: iso(o.start),
      end: iso(end),
      prompt_mode: o.promptMode,
      new_model: NEW_MODEL,
      new_model_released_at: iso(releaseAt),
      keys,
      campaigns: campaignsOf(keys, variant),
    },
    plans: built.map(([, p]) => p),
  };
}

function campaignsOf(keys: KeyTruth[], variant: number): CampaignTruth[] {
  const byId = new Map<string, KeyTruth[]>();
  for (const k of keys) {
    if (!k.campaign_id) continue;
    const list = byId.get(k.campaign_id);
    if (list) list.push(k);
    else byId.set(k.campaign_id, [k]);
  }
  return [...byId].map(([id, members]) => ({
    campaign_id: id,
    archetype: members[0]!.archetype as AttackName,
    variant,
    start: members.map((m) => m.campaign_start!).sort()[0]!,
    api_key_ids: members.map((m) => m.api_key_id),
    org_ids: [...new Set(members.map((m) => m.org_id))],
  }));
}
