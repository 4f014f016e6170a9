import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { Baseline } from './baseline.ts';
import { type KeyIdentity, KeyState } from './key-state.ts';
import type { KeyStateParams } from './sketch-params.ts';

/** An idle key reduced to what must survive: who it is and its own baseline (~0.3 KB instead of ~4 KB). */
export interface CompactKey extends KeyIdentity {
  lastSeen: number;
  baseline: Baseline;
}

export interface SweepLimits {
  idleCompactMs: number;
  idleEvictMs: number;
}

/** Per-key state by api_key_id: full state while active, compacted when idle, forgotten after a long silence. */
export class KeyStore {
  readonly active = new Map<string, KeyState>();
  readonly compacted = new Map<string, CompactKey>();
  evicted = 0;
  seen = 0;

  constructor(private readonly params: KeyStateParams) {}

  /** The key's state, revived from its compacted form or created; `created` is true for a never-seen key. */
  obtain(event: UsageEvent): { state: KeyState; created: boolean } {
    const existing = this.active.get(event.api_key_id);
    if (existing) return { state: existing, created: false };
    const compact = this.compacted.get(event.api_key_id);
    if (compact) this.compacted.delete(event.api_key_id);
    else this.seen++;
    const identity: KeyIdentity = compact ?? {
      orgId: event.org_id,
      model: event.model,
      endpoint: event.endpoint ?? '',
      firstSeen: event.ts,
      createdAtMs: event.key_created_at ? Date.parse(event.key_created_at) : null,
    };
    const state = new KeyState(event.api_key_id, identity, compact?.baseline ?? new Baseline(), this.params);
    this.active.set(event.api_key_id, state);
    return { state, created: !compact };
  }

  /** Active keys idle past the compaction limit (the caller scores pending ones before `compact`). */
  idleKeys(now: number, limits: SweepLimits): KeyState[] {
    const idle: KeyState[] = [];
    for (const state of this.active.values()) if (now - state.lastSeen >= limits.idleCompactMs) idle.push(state);
    return idle;
  }

  compact(state: KeyState): void {
    this.active.delete(state.apiKeyId);
    this.compacted.set(state.apiKeyId, {
      orgId: state.orgId,
      model: state.model,
      endpoint: state.endpoint,
      firstSeen: state.firstSeen,
      createdAtMs: state.createdAtMs,
      lastSeen: state.lastSeen,
      baseline: state.baseline,
    });
  }

  evictIdle(now: number, limits: SweepLimits): void {
    for (const [key, compact] of this.compacted) {
      if (now - compact.lastSeen < limits.idleEvictMs) continue;
      this.compacted.delete(key);
      this.evicted++;
    }
  }
}
