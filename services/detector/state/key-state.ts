import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { LANGUAGE_SLOTS } from '../../common/text/language.ts';
import { hashString } from '../../common/text/tokenize.ts';
import type { PreparedPrompt } from '../features/prepared-event.ts';
import { BucketRing } from '../sketches/bucket-ring.ts';
import { BufferCarver } from '../sketches/buffer-carver.ts';
import { DecayedHistogram } from '../sketches/decayed-histogram.ts';
import { DecayedSums, type DecayedSumsValues } from '../sketches/decayed-sums.ts';
import { RotatingDistinct } from '../sketches/rotating-distinct.ts';
import { SimhashRing } from '../sketches/simhash-ring.ts';
import { BASELINE_FLOATS, Baseline, type BaselineValues } from './baseline.ts';
import { type KeyStateParams, SKETCH } from './sketch-params.ts';

/** Fields of the minute ring. */
export const MINUTE = { REQ: 0, IN: 1, OUT: 2 } as const;

/** Decayed sums: `*_W` are denominators (events where the numerator could be observed). */
export const SUM = {
  W: 0,
  STOP_MAX: 1,
  RATE_LIMITED: 2,
  LONG_OUT: 3,
  LOGPROBS: 4,
  MULTI: 5,
  TOOL: 6,
  ASN_W: 7,
  DATACENTER: 8,
  MISMATCH_W: 9,
  MISMATCH: 10,
  COUNTRY_W: 11,
  UNSUPPORTED: 12,
  PROMPT_W: 13,
  TEMPLATE: 14,
  NOVELTY: 15,
  TEXT_W: 16,
  REASONING: 17,
  RATIONALE: 18,
  TEMP_W: 19,
  TEMP_SUM: 20,
  TEMP_SQ: 21,
  LAT_W: 22,
  LAT_SUM: 23,
  /** Prompts whose language was determined; followed by one count per language (LANG_BASE + language id - 1). */
  LANG_W: 24,
} as const;
const LANG_BASE = SUM.LANG_W + 1;
/** Prompts the elicitation classifier reads as harvesting instructions (appended after the language counts). */
export const HARVEST_SUM = LANG_BASE + LANGUAGE_SLOTS - 1;
export const SUM_FIELDS = HARVEST_SUM + 1;

/**
 * The sub-stream of prompts the elicitation classifier flags, decayed over its own, longer half-life: how many, and
 * their input and output tokens, next to the input and output tokens of all the key's requests over the same window.
 * A reseller's key mixes one customer's harvesting into other customers' chat, so the key-wide shares dilute it; the
 * flagged requests alone still show what harvesting looks like (outputs several times their short inputs, far more
 * than the key's traffic as a whole), while apps that ask for explanations on people's behalf send history with each
 * flagged prompt.
 */
export const INSTRUCTED = { COUNT: 0, IN: 1, OUT: 2, ALL_IN: 3, ALL_OUT: 4 } as const;
export const INSTRUCTED_FIELDS = 5;

/** Share of the key's recent prompts (of determined language) not in its most used language. */
export function languageMix(sums: DecayedSums): number {
  const total = sums.get(SUM.LANG_W);
  if (total <= 0) return 0;
  let top = 0;
  for (let id = 1; id < LANGUAGE_SLOTS; id++) top = Math.max(top, sums.get(LANG_BASE + id - 1));
  return Math.max(0, 1 - top / total);
}

const MAX_TOKENS_STOPS = new Set(['max_tokens', 'length', 'max_output_tokens']);
const EVIDENCE_IDS = 5;
const RECENT_IDS = 3;

/**
 * `list` with `id` appended and the oldest dropped at `bound`. Until it is full the list grows as a new array of exactly
 * its length (`concat`: `push` grows an array's capacity to 17 slots at once, and spreading is no tighter, ~0.2 KB per
 * active key for these two short lists); a full list (the key's own array, never shared: snapshots copy it and a
 * restore gets zod's copy) shifts in place, so the events after that allocate nothing.
 */
function pushBounded(list: string[], id: string, bound: number): string[] {
  if (list.length < bound) return list.concat(id);
  for (let i = 1; i < list.length; i++) list[i - 1] = list[i]!;
  list[list.length - 1] = id;
  return list;
}

/** What a key is known by, also kept when an idle key is compacted to its baseline. */
export interface KeyIdentity {
  orgId: string;
  model: string;
  endpoint: string;
  firstSeen: number;
  createdAtMs: number | null;
}

/** What an alert remembers per category, for dedup and escalation within the cooldown. */
export interface AlertMemory {
  alertId: string;
  score: number;
  raisedAt: number;
}

const MINUTE_RING = { ms: 60_000, size: 60, fields: 3 } as const;
const HOUR_RING = { ms: 3_600_000, size: 24, fields: 1 } as const;
/** Both generations of HyperLogLog registers of the five distinct counters. */
const DISTINCT_BYTES = [SKETCH.promptP, SKETCH.vocabP, SKETCH.ipP, SKETCH.asnP, SKETCH.countryP].reduce(
  (bytes, p) => bytes + 2 * (1 << p),
  0,
);
/**
 * Bytes of one key's sketches, all in one buffer (widest types first): decayed sums and baseline (f64), minute and
 * hour rings and output histogram (f32), fingerprint ring (i32), two generations of HyperLogLog registers per
 * distinct counter (u8).
 */
const KEY_BUFFER_BYTES =
  8 * (SUM_FIELDS + BASELINE_FLOATS + INSTRUCTED_FIELDS) +
  4 * (MINUTE_RING.size * MINUTE_RING.fields + HOUR_RING.size * HOUR_RING.fields + SKETCH.outputBuckets) +
  4 * 2 * SKETCH.fingerprintRing +
  DISTINCT_BYTES;

/** The full, bounded, per-key state of an active key: windows and sketches, never lists of prompts. */
export class KeyState {
  orgId: string;
  model: string;
  endpoint: string;
  firstSeen: number;
  lastSeen: number;
  createdAtMs: number | null;
  events = 0;
  readonly baseline: Baseline;
  readonly sums: DecayedSums;
  /** Classifier-flagged prompts only (INSTRUCTED fields), half-life `params.instructedHalfLifeMs`. */
  readonly instructed: DecayedSums;
  readonly minutes: BucketRing;
  readonly hours: BucketRing;
  readonly outputTokens: DecayedHistogram;
  readonly fingerprints: SimhashRing;
  readonly prompts: RotatingDistinct;
  readonly vocab: RotatingDistinct;
  readonly ips: RotatingDistinct;
  readonly asns: RotatingDistinct;
  readonly countries: RotatingDistinct;
  /** Inter-arrival gap statistics: previous event time, EW mean and EW variance of gaps (ms). */
  gapLastTs = -1;
  gapMean = 0;
  gapVar = 0;
  gaps = 0;
  /** Minute (ts / 60 000) of the last feature snapshot; -1 before the first. */
  lastSnapshotMinute = -1;
  dirty = false;
  /** Recent event ids that showed an extraction signal, and the latest other ids (both bounded). */
  evidence: string[] = [];
  recent: string[] = [];
  alerts: Partial<Record<string, AlertMemory>> = {};

  /**
   * `carried`: what a revived (compacted) key kept, copied: its own baseline so far and its flagged-prompt sub-stream;
   * else both start empty.
   */
  constructor(
    readonly apiKeyId: string,
    identity: KeyIdentity,
    readonly params: KeyStateParams,
    carried?: { baseline: BaselineValues; instructed: DecayedSumsValues },
  ) {
    this.orgId = identity.orgId;
    this.model = identity.model;
    this.endpoint = identity.endpoint;
    this.firstSeen = identity.firstSeen;
    this.lastSeen = identity.firstSeen;
    this.createdAtMs = identity.createdAtMs;
    // One buffer, one view per element type; each sketch uses its run of a view from its offset.
    const buffer = new BufferCarver(KEY_BUFFER_BYTES);
    const { outputLog2Max, outputBuckets, fingerprintRing, generationMs } = SKETCH;
    const doubles = buffer.take(Float64Array, SUM_FIELDS + BASELINE_FLOATS + INSTRUCTED_FIELDS);
    this.sums = new DecayedSums(SUM_FIELDS, params.shareHalfLifeMs, doubles, 0);
    this.baseline = new Baseline(doubles, SUM_FIELDS);
    const instructedAt = SUM_FIELDS + BASELINE_FLOATS;
    this.instructed = new DecayedSums(INSTRUCTED_FIELDS, params.instructedHalfLifeMs, doubles, instructedAt);
    if (carried) {
      this.baseline.copy(carried.baseline);
      this.instructed.copy(carried.instructed);
    }
    const minuteFloats = MINUTE_RING.size * MINUTE_RING.fields;
    const hourFloats = HOUR_RING.size * HOUR_RING.fields;
    const floats = buffer.take(Float32Array, minuteFloats + hourFloats + outputBuckets);
    this.minutes = new BucketRing(MINUTE_RING.ms, MINUTE_RING.size, MINUTE_RING.fields, floats, 0);
    this.hours = new BucketRing(HOUR_RING.ms, HOUR_RING.size, HOUR_RING.fields, floats, minuteFloats);
    const half = params.shareHalfLifeMs;
    const outputsAt = minuteFloats + hourFloats;
    this.outputTokens = new DecayedHistogram(0, outputLog2Max, outputBuckets, half, floats, outputsAt);
    this.fingerprints = new SimhashRing(fingerprintRing, buffer.take(Int32Array, 2 * fingerprintRing));
    const registers = buffer.take(Uint8Array, DISTINCT_BYTES);
    let at = 0;
    const distinct = (p: number) => {
      const counter = new RotatingDistinct(p, generationMs, registers, at);
      at += 2 * (1 << p);
      return counter;
    };
    this.prompts = distinct(SKETCH.promptP);
    this.vocab = distinct(SKETCH.vocabP);
    this.ips = distinct(SKETCH.ipP);
    this.asns = distinct(SKETCH.asnP);
    this.countries = distinct(SKETCH.countryP);
  }

  get cohort(): string {
    return `${this.model}|${this.endpoint}`;
  }

  /** Folds one event into the windows and sketches. */
  observe(event: UsageEvent, prompt: PreparedPrompt): void {
    this.events++;
    this.dirty = true;
    this.orgId = event.org_id;
    this.model = event.model;
    this.endpoint = event.endpoint ?? this.endpoint;
    if (event.ts > this.lastSeen) this.lastSeen = event.ts;
    if (this.createdAtMs === null && event.key_created_at) this.createdAtMs = Date.parse(event.key_created_at);
    this.observeVolume(event);
    this.observeGap(event.ts);
    const w = this.sums.weight(event.ts);
    const wi = this.instructed.weight(event.ts);
    this.instructed.add(INSTRUCTED.ALL_IN, wi * event.input_tokens);
    this.instructed.add(INSTRUCTED.ALL_OUT, wi * event.output_tokens);
    this.observeOutput(event, w);
    this.observeNetwork(event, w);
    this.observePrompt(event, prompt, w, wi);
  }

  private observeVolume(event: UsageEvent): void {
    this.minutes.add(event.ts, MINUTE.REQ, 1);
    this.minutes.add(event.ts, MINUTE.IN, event.input_tokens);
    this.minutes.add(event.ts, MINUTE.OUT, event.output_tokens);
    this.hours.add(event.ts, 0, 1);
  }

  /** EW mean/variance of inter-arrival gaps; out-of-order events (negative gaps) are skipped. */
  private observeGap(ts: number): void {
    if (this.gapLastTs >= 0 && ts >= this.gapLastTs) {
      const gap = ts - this.gapLastTs;
      const alpha = this.gaps < 20 ? 1 / (this.gaps + 1) : 0.05;
      const delta = gap - this.gapMean;
      this.gapMean += alpha * delta;
      this.gapVar = (1 - alpha) * (this.gapVar + alpha * delta * delta);
      this.gaps++;
    }
    if (ts > this.gapLastTs) this.gapLastTs = ts;
  }

  private observeOutput(event: UsageEvent, w: number): void {
    const s = this.sums;
    s.add(SUM.W, w);
    const hitMax =
      (event.stop_reason !== undefined && MAX_TOKENS_STOPS.has(event.stop_reason)) ||
      (event.max_tokens !== undefined && event.output_tokens >= event.max_tokens);
    if (hitMax) s.add(SUM.STOP_MAX, w);
    if (event.status === 429) s.add(SUM.RATE_LIMITED, w);
    if (event.output_tokens >= this.params.longOutputTokens) s.add(SUM.LONG_OUT, w);
    if (event.logprobs || (event.top_logprobs ?? 0) > 0) s.add(SUM.LOGPROBS, w);
    if ((event.n ?? 1) > 1) s.add(SUM.MULTI, w);
    if ((event.tool_count ?? 0) > 0) s.add(SUM.TOOL, w);
    if (event.temperature !== undefined) {
      s.add(SUM.TEMP_W, w);
      s.add(SUM.TEMP_SUM, w * event.temperature);
      s.add(SUM.TEMP_SQ, w * event.temperature * event.temperature);
    }
    if (event.latency_ms !== undefined) {
      s.add(SUM.LAT_W, w);
      s.add(SUM.LAT_SUM, w * event.latency_ms);
    }
    this.outputTokens.add(Math.log2(1 + event.output_tokens), event.ts);
  }

  private observeNetwork(event: UsageEvent, w: number): void {
    const s = this.sums;
    if (event.client_ip) this.ips.add(hashString(event.client_ip), event.ts);
    if (event.client_asn !== undefined) {
      this.asns.add(hashString(String(event.client_asn)), event.ts);
      s.add(SUM.ASN_W, w);
      if (this.params.datacenterAsns.has(event.client_asn)) s.add(SUM.DATACENTER, w);
    }
    if (event.client_country) {
      this.countries.add(hashString(event.client_country), event.ts);
      s.add(SUM.COUNTRY_W, w);
      if (!this.params.supportedRegions.has(event.client_country)) s.add(SUM.UNSUPPORTED, w);
      if (event.billing_country) {
        s.add(SUM.MISMATCH_W, w);
        if (event.billing_country !== event.client_country) s.add(SUM.MISMATCH, w);
      }
    }
  }

  /** `w`: the event's weight in `sums`; `wi`: in `instructed`. */
  private observePrompt(event: UsageEvent, prompt: PreparedPrompt, w: number, wi: number): void {
    const s = this.sums;
    if (prompt.promptHash !== null) this.prompts.add(prompt.promptHash, event.ts);
    if (prompt.fingerprint) {
      const distance = this.fingerprints.count > 0 ? this.fingerprints.minDistance(prompt.fingerprint) : 32;
      s.add(SUM.PROMPT_W, w);
      if (distance <= this.params.nearDupBits) s.add(SUM.TEMPLATE, w);
      s.add(SUM.NOVELTY, w * Math.min(1, distance / 32));
      this.fingerprints.push(prompt.fingerprint);
    }
    if (prompt.hasText) {
      this.vocab.addAll(prompt.tokens, prompt.tokenCount, event.ts);
      s.add(SUM.TEXT_W, w);
      if (prompt.reasoning) s.add(SUM.REASONING, w);
      if (prompt.rationale) s.add(SUM.RATIONALE, w);
      if (prompt.harvestInstruction) {
        s.add(HARVEST_SUM, w);
        this.instructed.add(INSTRUCTED.COUNT, wi);
        this.instructed.add(INSTRUCTED.IN, wi * event.input_tokens);
        this.instructed.add(INSTRUCTED.OUT, wi * event.output_tokens);
      }
      if (prompt.language > 0) {
        s.add(SUM.LANG_W, w);
        s.add(LANG_BASE + prompt.language - 1, w);
      }
    }
    const flagged =
      prompt.reasoning || prompt.rationale || prompt.harvestInstruction || event.logprobs || (event.n ?? 1) > 1;
    if (flagged) this.evidence = pushBounded(this.evidence, event.event_id, EVIDENCE_IDS);
    else this.recent = pushBounded(this.recent, event.event_id, RECENT_IDS);
  }

  /** Sample event ids for an alert: extraction-signal events first, then the most recent others. */
  evidenceIds(): string[] {
    return [...this.evidence, ...this.recent].slice(0, EVIDENCE_IDS + RECENT_IDS);
  }
}
