import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { CompactKeys } from './compact-keys.ts';
import { type KeyIdentity, KeyState } from './key-state.ts';
import type { MapChanges } from './map-changes.ts';
import type { KeyStateParams } from './sketch-params.ts';
import {
  type CapEvictionListener,
  leastRecentlySeen,
  NO_CAPS,
  type StateCaps,
  sizeAfterEviction,
} from './state-caps.ts';

/** Where a store records the keys it changes, for delta checkpoints (`StateChanges`). */
export interface KeyChanges {
  active: MapChanges;
  compacted: MapChanges;
}

export interface SweepLimits {
  idleCompactMs: number;
  idleEvictMs: number;
}

/**
 * Per-key state by api_key_id: full state while active, compacted when idle, forgotten after a long silence. Past
 * its cap, the least recently seen active keys are compacted and the least recently seen compacted keys forgotten.
 */
export class KeyStore {
  readonly active = new Map<string, KeyState>();
  readonly compacted = new CompactKeys();
  evicted = 0;
  seen = 0;
  /** Keys compacted, and compacted keys forgotten, to stay under the caps (since this store was built). */
  readonly capEvictions = { active: 0, compacted: 0 };

  constructor(
    private readonly params: KeyStateParams,
    private readonly caps: Pick<StateCaps, 'activeKeys' | 'compactedKeys'> = NO_CAPS,
    private readonly onCapEviction?: CapEvictionListener,
    readonly changes?: KeyChanges,
  ) {}

  /** The key's state, revived from its compacted form or created; `created` is true for a never-seen key. */
  obtain(event: UsageEvent): { state: KeyState; created: boolean } {
    const existing = this.active.get(event.api_key_id);
    if (existing) {
      this.changes?.active.update(event.api_key_id);
      return { state: existing, created: false };
    }
    const compact = this.compacted.get(event.api_key_id);
    const identity: KeyIdentity = compact ?? {
      orgId: event.org_id,
      model: event.model,
      endpoint: event.endpoint ?? '',
      firstSeen: event.ts,
      createdAtMs: event.key_created_at ? Date.parse(event.key_created_at) : null,
    };
    // Built (copying what the compacted key kept out of its arena record) before that record is freed.
    const state = new KeyState(event.api_key_id, identity, this.params, compact);
    if (compact) this.deleteCompacted(event.api_key_id);
    else this.seen++;
    if (this.active.size >= this.caps.activeKeys) this.compactLeastRecent();
    this.active.set(event.api_key_id, state);
    this.changes?.active.insert(event.api_key_id);
    return { state, created: !compact };
  }

  /** Records that an active key's state changed outside `obtain` (scored, restored). */
  changed(state: KeyState): void {
    this.changes?.active.update(state.apiKeyId);
  }

  /** Installs a restored key's full state in place of what the store held for it. */
  install(state: KeyState): void {
    const id = state.apiKeyId;
    if (this.compacted.has(id)) this.deleteCompacted(id);
    if (this.active.has(id)) this.changes?.active.update(id);
    else this.changes?.active.insert(id);
    this.active.set(id, state);
  }

  private deleteCompacted(id: string): void {
    this.compacted.delete(id);
    this.changes?.compacted.delete(id);
  }

  /** Active keys idle past the compaction limit (the caller scores pending ones before `compact`). */
  idleKeys(now: number, limits: SweepLimits): KeyState[] {
    const idle: KeyState[] = [];
    for (const state of this.active.values()) if (now - state.lastSeen >= limits.idleCompactMs) idle.push(state);
    return idle;
  }

  compact(state: KeyState): void {
    this.active.delete(state.apiKeyId);
    this.changes?.active.delete(state.apiKeyId);
    this.changes?.compacted.insert(state.apiKeyId);
    this.compacted.set(state.apiKeyId, {
      orgId: state.orgId,
      model: state.model,
      endpoint: state.endpoint,
      firstSeen: state.firstSeen,
      createdAtMs: state.createdAtMs,
      lastSeen: state.lastSeen,
      baseline: state.baseline.values,
      instructed: state.instructed.values,
    });
    if (this.compacted.size > this.caps.compactedKeys) this.forgetLeastRecent();
  }

  /** Makes room for one more active key; their unscored minute is not scored (the cap is an overload guard). */
  private compactLeastRecent(): void {
    const cap = this.caps.activeKeys;
    const ids = leastRecentlySeen(this.active, (s) => s.lastSeen, this.active.size - sizeAfterEviction(cap) + 1);
    for (const id of ids) this.compact(this.active.get(id) as KeyState);
    this.capEvictions.active += ids.length;
    this.onCapEviction?.('active_keys', ids.length, cap);
  }

  private forgetLeastRecent(): void {
    const cap = this.caps.compactedKeys;
    const { compacted } = this;
    const ids = leastRecentlySeen(
      compacted.slots,
      (slot) => compacted.lastSeenAt(slot),
      compacted.size - sizeAfterEviction(cap),
    );
    for (const id of ids) this.deleteCompacted(id);
    this.capEvictions.compacted += ids.length;
    this.onCapEviction?.('compacted_keys', ids.length, cap);
  }

  evictIdle(now: number, limits: SweepLimits): void {
    for (const [key, slot] of this.compacted.slots) {
      if (now - this.compacted.lastSeenAt(slot) < limits.idleEvictMs) continue;
      this.deleteCompacted(key);
      this.evicted++;
    }
  }
}
