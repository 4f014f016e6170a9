import { z } from 'zod';
import type { AlertReason } from '../../schemas/alert-v1.ts';

/** One reason in words, with the features it rests on and its share of the score. */
export const reasonSentenceSchema = z.object({
  text: z.string(),
  features: z.array(z.string()),
  contribution: z.number(),
  /** rule: a detection rule that fired; behaviour: an outlying feature; context: identity/network; coordination. */
  kind: z.enum(['rule', 'behaviour', 'context', 'coordination']),
});
export type ReasonSentence = z.infer<typeof reasonSentenceSchema>;

type Unit = 'count' | 'share' | 'ratio' | 'tokens' | 'days' | 'number';

/** How a feature reads: a phrase around its value, and the unit its value and baseline are shown in. */
const PHRASES: Record<string, { unit: Unit; say: (v: string) => string; context?: true }> = {
  req_per_min: { unit: 'number', say: (v) => `sent ${v} requests a minute` },
  req_per_hour: { unit: 'count', say: (v) => `sent ${v} requests in an hour` },
  req_per_day: { unit: 'count', say: (v) => `sent ${v} requests in a day` },
  in_tokens_per_min: { unit: 'tokens', say: (v) => `read ${v} input tokens a minute` },
  out_tokens_per_min: { unit: 'tokens', say: (v) => `received ${v} output tokens a minute` },
  out_tokens_per_hour: { unit: 'tokens', say: (v) => `received ${v} output tokens in an hour` },
  concurrency: { unit: 'number', say: (v) => `kept ${v} requests in flight at once` },
  max_tokens_stop_share: { unit: 'share', say: (v) => `${v} of outputs were cut off at their token limit` },
  rate_limited_share: { unit: 'share', say: (v) => `${v} of requests were rate-limited` },
  interarrival_cv: { unit: 'number', say: (v) => `sent at machine-regular intervals (variation ${v})` },
  active_hours_per_day: { unit: 'number', say: (v) => `was active ${v} hours a day` },
  peak_minute_ratio: { unit: 'ratio', say: (v) => `peaked at ${v} its average minute` },
  volume_change: { unit: 'ratio', say: (v) => `ran at ${v} its own usual volume` },
  distinct_prompt_ratio: { unit: 'share', say: (v) => `${v} of prompts were distinct` },
  template_share: { unit: 'share', say: (v) => `${v} of prompts followed one template` },
  prompt_novelty: { unit: 'share', say: (v) => `${v} of prompts were unlike its earlier ones` },
  vocab_per_request: { unit: 'number', say: (v) => `used ${v} new words per request` },
  vocab_growth: { unit: 'number', say: (v) => `kept widening its vocabulary (growth ${v})` },
  prompt_tokens_mean: { unit: 'tokens', say: (v) => `sent prompts of ${v} tokens on average` },
  out_in_ratio: { unit: 'ratio', say: (v) => `received outputs ${v} as long as its inputs` },
  long_output_share: { unit: 'share', say: (v) => `${v} of outputs were over 1,000 tokens` },
  output_tokens_p90: { unit: 'tokens', say: (v) => `had a 90th-percentile output of ${v} tokens` },
  reasoning_phrase_share: { unit: 'share', say: (v) => `${v} of prompts asked for step-by-step reasoning` },
  rationale_request_share: { unit: 'share', say: (v) => `${v} of prompts asked for a rationale` },
  logprobs_share: { unit: 'share', say: (v) => `${v} of requests read logprobs` },
  multi_sample_share: { unit: 'share', say: (v) => `${v} of requests asked for several samples` },
  temperature_std: { unit: 'number', say: (v) => `varied temperature by ${v} (standard deviation)` },
  tool_use_share: { unit: 'share', say: (v) => `${v} of requests used tools` },
  key_age_days: { unit: 'days', say: (v) => `the key is ${v} old`, context: true },
  org_key_count: { unit: 'count', say: (v) => `its org has ${v} keys`, context: true },
  distinct_ips: { unit: 'count', say: (v) => `it called from ${v} IP addresses`, context: true },
  distinct_asns: { unit: 'count', say: (v) => `it called from ${v} networks (ASNs)`, context: true },
  distinct_countries: { unit: 'count', say: (v) => `it called from ${v} countries`, context: true },
  datacenter_asn_share: { unit: 'share', say: (v) => `${v} of its traffic came from hosting networks`, context: true },
  country_mismatch_share: {
    unit: 'share',
    say: (v) => `${v} of its traffic came from outside its billing country`,
    context: true,
  },
  unsupported_region_share: {
    unit: 'share',
    say: (v) => `${v} of its traffic came from regions where the service is not offered`,
  },
};

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A value in its unit: 0.963 → "96%", 12.03 ratio → "12×", 0.43 days → "10 hours". */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'share':
      return `${INTEGER.format(value * 100)}%`;
    case 'ratio':
      return `${DECIMAL.format(value)}×`;
    case 'days':
      return value < 1 ? `${INTEGER.format(value * 24)} hours` : `${DECIMAL.format(value)} days`;
    case 'count':
    case 'tokens':
      return INTEGER.format(value);
    default:
      return Math.abs(value) >= 100 ? INTEGER.format(value) : DECIMAL.format(value);
  }
}

/** Reasons of one feature from several scorers, as one: the strongest's value, all contributions summed. */
interface Merged {
  feature: string;
  value: number;
  cohort: number | null;
  own: number | null;
  contribution: number;
  rule: string | null;
  detail: string;
  coordination: boolean;
}

function merge(reasons: AlertReason[]): Merged[] {
  const byFeature = new Map<string, Merged>();
  for (const r of [...reasons].sort((a, b) => b.contribution - a.contribution)) {
    const m = byFeature.get(r.feature) ?? {
      feature: r.feature,
      value: r.value,
      cohort: null,
      own: null,
      contribution: 0,
      rule: null,
      detail: r.detail ?? '',
      coordination: r.scorer === 'coordination',
    };
    m.contribution = Math.min(1, m.contribution + r.contribution);
    if (r.scorer === 'baseline') m.own ??= r.baseline;
    else if (r.scorer === 'rule' || r.scorer === 'population') m.cohort ??= r.baseline;
    if (r.scorer === 'rule' && r.detail) m.rule ??= r.detail.split(':')[0] ?? null;
    byFeature.set(r.feature, m);
  }
  return [...byFeature.values()].sort((a, b) => b.contribution - a.contribution);
}

function clause(m: Merged): string {
  const phrase = PHRASES[m.feature];
  if (!phrase) return `${m.feature.replaceAll('_', ' ')} was ${formatValue(m.value, 'number')}`;
  return phrase.say(formatValue(m.value, phrase.unit));
}

/** What is normal for the feature: its cohort's median and the key's own baseline, when the scorers knew them. */
function typical(m: Merged): string {
  const unit = PHRASES[m.feature]?.unit ?? 'number';
  const parts = [];
  if (m.cohort !== null) parts.push(`typical for its cohort: ${formatValue(m.cohort, unit)}`);
  if (m.own !== null) parts.push(`its own usual: ${formatValue(m.own, unit)}`);
  return parts.join(', ');
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const listed = (items: string[]) =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** Coordination terms carry their evidence in `detail` already ("AS212238: 5 of 5 keys; 3 keys outside"). */
function coordinationSentence(m: Merged): string {
  const n = formatValue(m.value, 'count');
  switch (m.feature) {
    case 'shared_system_prompt':
      return `${n} member keys share one system prompt (${m.detail})`;
    case 'shared_template_keys':
      return `${n} member keys send the same prompt templates (${m.detail})`;
    case 'shared_asn':
      return `${n} member keys call from the same network (${m.detail})`;
    case 'shared_ip_prefix':
      return `${n} member keys call from the same /24 (${m.detail})`;
    case 'low_per_key_volume':
      return `each member stays at ordinary volume: ${n} events per key (${m.detail})`;
    case 'cluster_size':
      return `${n} keys are linked`;
    case 'org_spread':
      return `the keys belong to ${n} different orgs`;
    case 'synchronised_schedule':
      return `members keep the same hours (correlation ${formatValue(m.value, 'number')}; ${m.detail})`;
    default:
      return `${m.feature.replaceAll('_', ' ')}: ${m.detail || n}`;
  }
}

/**
 * One sentence per rule that fired (its conditions together, with cohort norms), then one per other outlying
 * behaviour, then context (identity and network: they explain, never accuse) and coordination evidence.
 * The same feature from several scorers is merged into one mention.
 */
export function reasonSentences(reasons: AlertReason[], limit = 6): ReasonSentence[] {
  const merged = merge(reasons).filter((m) => m.contribution > 0 || m.rule);
  const out: ReasonSentence[] = [];
  const rules = new Map<string, Merged[]>();
  for (const m of merged) if (m.rule) rules.set(m.rule, [...(rules.get(m.rule) ?? []), m]);
  for (const [rule, ms] of rules) {
    const parts = ms.map((m) => (typical(m) ? `${clause(m)} (${typical(m)})` : clause(m)));
    out.push({
      text: `${capital(listed(parts))} — rule “${rule.replaceAll('_', ' ')}”.`,
      features: ms.map((m) => m.feature),
      contribution: Math.min(
        1,
        ms.reduce((s, m) => s + m.contribution, 0),
      ),
      kind: 'rule',
    });
  }
  for (const m of merged.filter((x) => !x.rule)) {
    const kind = m.coordination ? 'coordination' : PHRASES[m.feature]?.context ? 'context' : 'behaviour';
    const norm = typical(m) ? `; ${typical(m)}` : '';
    const text =
      kind === 'coordination'
        ? `${capital(coordinationSentence(m))}.`
        : `${kind === 'context' ? `Context: ${clause(m)}` : capital(clause(m))}${norm}.`;
    out.push({ text, features: [m.feature], contribution: m.contribution, kind });
  }
  const order = { rule: 0, coordination: 1, behaviour: 2, context: 3 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || b.contribution - a.contribution).slice(0, limit);
}
