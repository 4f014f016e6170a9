import type { KeyProfile } from './key-profile.ts';
import { scheduleTokens } from './key-schedule.ts';
import type { CountedValue } from './space-saving.ts';
import { topicTokens } from './topic-sketch.ts';

/**
 * Evidence of one key in three dimensions. Only content links keys (two independent content sketches at once);
 * infrastructure and timing rank a cluster that content formed.
 */
export interface KeyEvidence {
  /** What the key sends: `t:<template family>`, `s:<system prompt sha256>`, `v:<band>:<vocabulary LSH band>`. */
  content: string[];
  /** Where it sends from: `a:<asn>`, `p:<network prefix>`. */
  infra: string[];
  /** When it sends: `h:<peak UTC hour>`, `m:<peak 5-minute phase>`. */
  timing: string[];
}

export const NO_EVIDENCE: KeyEvidence = Object.freeze({ content: [], infra: [], timing: [] });

/** Smallest guaranteed count a value needs: at least 2 and `minShare` of the key's traffic. */
function significant(entries: CountedValue[], total: number, minShare: number): string[] {
  const floor = Math.max(2, minShare * total);
  return entries.filter((e) => e.count - e.error >= floor).map((e) => e.value);
}

/** Template slots that carry at least `minShare` of the key's fingerprinted prompts, as slot indexes. */
export function significantSlots(profile: KeyProfile, minShare: number): number[] {
  const fingerprinted = profile.templates.reduce((sum, s) => sum + s.count - s.error, 0);
  const floor = Math.max(2, minShare * fingerprinted);
  const slots: number[] = [];
  profile.templates.forEach((s, i) => {
    if (s.count - s.error >= floor) slots.push(i);
  });
  return slots;
}

/**
 * The key's evidence given the template family of each significant slot. `withTiming` is off until the stream
 * covers a full day: before that every key's hours are cut to the same short window and look synchronised.
 */
export function keyEvidence(
  profile: KeyProfile,
  families: Array<number | null>,
  minShare: number,
  withTiming: boolean,
): KeyEvidence {
  const templates = families.filter((f): f is number => f !== null).map((f) => `t:${f}`);
  const recent = profile.recent.events;
  const prompts = significant(profile.systemPrompts.entries, recent, minShare).map((s) => `s:${s}`);
  const asns = significant(profile.asns.entries, recent, minShare).map((a) => `a:${a}`);
  const prefixes = significant(profile.prefixes.entries, recent, minShare).map((p) => `p:${p}`);
  const sketch = profile.topicEvidence();
  const topics = sketch ? topicTokens(sketch) : [];
  return {
    content: [...new Set(templates)].concat(prompts, topics),
    infra: asns.concat(prefixes),
    timing: withTiming ? scheduleTokens(profile.hours, profile.minutePhase) : [],
  };
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The same values in the same order in every dimension. */
export function sameEvidence(a: KeyEvidence, b: KeyEvidence): boolean {
  return sameValues(a.content, b.content) && sameValues(a.infra, b.infra) && sameValues(a.timing, b.timing);
}

/** Two content values are independent sketches unless both come from one (system prompts, vocabulary bands). */
function independent(a: string, b: string): boolean {
  return a[0] !== b[0] || a[0] === 't';
}

/** Every pair of content values from independent sketches, as link buckets (each pair sorted, so keys agree). */
export function linkCombinations(e: KeyEvidence): string[][] {
  const out: string[][] = [];
  const content = [...e.content].sort();
  for (let i = 0; i < content.length; i++) {
    for (let j = i + 1; j < content.length; j++) {
      if (independent(content[i]!, content[j]!)) out.push([content[i]!, content[j]!]);
    }
  }
  return out;
}
