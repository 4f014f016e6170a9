import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { CoordinationOptions } from '../common/config/coordination-options.ts';
import type { PromptFingerprint } from '../common/text/fingerprint.ts';
import type { PromptTokens } from '../common/text/tokenize.ts';
import { EvidenceIndex } from './evidence-index.ts';
import { type KeyEvidence, keyEvidence, NO_EVIDENCE, significantSlots } from './key-evidence.ts';
import { KeyProfile } from './key-profile.ts';
import type { KeySignature } from './key-signature.ts';
import { TemplateFamilies } from './template-families.ts';

/** A tracked key: its profile and, as of the last linking pass, its template families and evidence. */
export interface KeyRecord {
  profile: KeyProfile;
  /** Template family per template slot (null for slots too rare to be evidence). */
  families: Array<number | null>;
  evidence: KeyEvidence;
}

export interface RegistryState {
  keys: Array<{ signature: KeySignature; families: Array<number | null> }>;
  dirty: string[];
  families: ReturnType<TemplateFamilies['toJSON']>;
}

/**
 * Every key stage 2 tracks, plus the indexes a linking pass reads. Events only update profiles and mark keys
 * dirty; `refresh` re-derives families and evidence of dirty keys, so a pass costs in proportion to what changed.
 */
export class KeyRegistry {
  readonly records = new Map<string, KeyRecord>();
  readonly index = new EvidenceIndex();
  readonly families: TemplateFamilies;
  /** Keys dropped to stay under `maxKeys` since this registry was built. */
  capEvictions = 0;
  private readonly dirty = new Set<string>();

  constructor(
    private readonly options: Pick<
      CoordinationOptions,
      'familyRadius' | 'minEvidenceShare' | 'longOutputTokens' | 'contentGenerationMs'
    >,
    private timingEnabled: boolean,
    state?: RegistryState,
  ) {
    this.families = new TemplateFamilies(
      options.familyRadius,
      state?.families.leaders.map(leaderOf),
      state?.families.nextId,
    );
    for (const k of state?.keys ?? []) this.load(KeyProfile.fromSignature(k.signature), k.families);
    for (const id of state?.dirty ?? []) if (this.records.has(id)) this.dirty.add(id);
  }

  observe(event: UsageEvent, fingerprint: PromptFingerprint | null, tokens: PromptTokens): void {
    let record = this.records.get(event.api_key_id);
    if (!record) {
      record = {
        profile: new KeyProfile(event.api_key_id, event.org_id, event.ts),
        families: [],
        evidence: NO_EVIDENCE,
      };
      this.records.set(event.api_key_id, record);
    }
    record.profile.observe(event, fingerprint, tokens, this.options);
    this.dirty.add(event.api_key_id);
  }

  get withTiming(): boolean {
    return this.timingEnabled;
  }

  /** Starts using schedule evidence; every key's evidence is re-derived at the next refresh. */
  enableTiming(): void {
    this.timingEnabled = true;
    this.markAllChanged();
  }

  markAllChanged(): void {
    for (const id of this.records.keys()) this.dirty.add(id);
  }

  get changed(): boolean {
    return this.dirty.size > 0;
  }

  /** Re-derives families and evidence of keys changed since the last call; returns those keys. */
  refresh(): Set<string> {
    for (const id of this.dirty) {
      const record = this.records.get(id)!;
      const previous = record.families;
      const significant = new Set(significantSlots(record.profile, this.options.minEvidenceShare));
      record.families = record.profile.templates.map((slot, i) =>
        significant.has(i) ? this.families.assign(slot.centroid, previous[i] ?? null) : null,
      );
      for (const f of previous) if (f !== null) this.families.release(f);
      const before = record.evidence;
      record.evidence = keyEvidence(record.profile, record.families, this.options.minEvidenceShare, this.timingEnabled);
      this.index.replace(id, record.profile.orgId, before, record.evidence);
    }
    const changed = new Set(this.dirty);
    this.dirty.clear();
    return changed;
  }

  /** Drops keys idle since before `idleBefore`, then the least recently seen beyond `maxKeys`. */
  evict(idleBefore: number, maxKeys: number): void {
    for (const [id, r] of this.records) if (r.profile.lastSeen < idleBefore) this.drop(id);
    this.evictBeyond(maxKeys);
  }

  /** Drops the least recently seen keys beyond `maxKeys`, counting them in `capEvictions`. */
  evictBeyond(maxKeys: number): void {
    if (this.records.size <= maxKeys) return;
    const oldest = [...this.records.values()]
      .sort((a, b) => a.profile.lastSeen - b.profile.lastSeen || (a.profile.apiKeyId < b.profile.apiKeyId ? -1 : 1))
      .slice(0, this.records.size - maxKeys);
    for (const r of oldest) this.drop(r.profile.apiKeyId);
    this.capEvictions += oldest.length;
  }

  toState(): RegistryState {
    return {
      keys: [...this.records.values()].map((r) => ({ signature: r.profile.toSignature(), families: [...r.families] })),
      dirty: [...this.dirty],
      families: this.families.toJSON(),
    };
  }

  private load(profile: KeyProfile, stored: Array<number | null>): void {
    const families = stored.map((f) => (f !== null && this.families.adopt(f) ? f : null));
    const evidence = keyEvidence(profile, families, this.options.minEvidenceShare, this.timingEnabled);
    this.records.set(profile.apiKeyId, { profile, families, evidence });
    this.index.add(profile.apiKeyId, profile.orgId, evidence);
  }

  private drop(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    this.index.remove(id, record.evidence);
    for (const f of record.families) if (f !== null) this.families.release(f);
    this.records.delete(id);
    this.dirty.delete(id);
  }
}

function leaderOf(l: { id: number; hi: number; lo: number }): { id: number; fp: PromptFingerprint } {
  return { id: l.id, fp: { hi: l.hi, lo: l.lo } };
}
