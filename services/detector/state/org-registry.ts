import { LruMap } from '../../common/lru-map.ts';
import { hashString } from '../../common/text/tokenize.ts';
import { HyperLogLog } from '../sketches/hyperloglog.ts';
import type { MapChanges } from './map-changes.ts';
import { CAP_EVICT_FRACTION, type CapEvictionListener } from './state-caps.ts';

const ORG_HLL_P = 8;

interface OrgEntry {
  sketch: HyperLogLog;
  /** Estimate cached until the org gains a key (read at every snapshot, changed rarely). */
  count: number | null;
}

/**
 * Distinct keys per organisation (HyperLogLog, so a hostile org minting keys costs 256 bytes, not a set). Past
 * `maxOrgs`, the least recently used organisations are forgotten (their next key starts a new count).
 */
export class OrgRegistry {
  private readonly orgs: LruMap<string, OrgEntry>;

  constructor(
    maxOrgs = Number.MAX_SAFE_INTEGER,
    onCapEviction?: CapEvictionListener,
    private readonly changes?: MapChanges,
  ) {
    this.orgs = new LruMap(maxOrgs, {
      evictFraction: CAP_EVICT_FRACTION,
      onEvict: (evicted) => onCapEviction?.('orgs', evicted, maxOrgs),
      onEvictKey: (org) => changes?.delete(org),
    });
  }

  addKey(orgId: string, apiKeyId: string): void {
    this.changes?.insert(orgId);
    let entry = this.orgs.get(orgId);
    if (!entry) {
      entry = { sketch: new HyperLogLog(ORG_HLL_P), count: null };
      this.orgs.set(orgId, entry);
    }
    entry.sketch.add(hashString(apiKeyId));
    entry.count = null;
  }

  keyCount(orgId: string): number {
    const entry = this.orgs.get(orgId);
    if (!entry) return 0;
    this.changes?.insert(orgId);
    entry.count ??= Math.round(entry.sketch.estimate());
    return entry.count;
  }

  get size(): number {
    return this.orgs.size;
  }

  /** Organisations forgotten to stay under the cap since this registry was built. */
  get capEvictions(): number {
    return this.orgs.evictions;
  }

  /** `[org, sketch]` of the named organisations (every one, in LRU order, without `ids`), one at a time. */
  *entries(ids?: Iterable<string>): Generator<[string, string]> {
    for (const org of ids ?? this.orgs.keys()) yield [org, (this.orgs.peek(org) as OrgEntry).sketch.snapshot()];
  }

  /** Replays a delta checkpoint: forgets `removed`, then (re)inserts `written` in order. */
  applyChanges(removed: readonly string[], written: ReadonlyArray<readonly [string, string]>): void {
    for (const org of removed) this.orgs.delete(org);
    for (const [org, text] of written)
      this.orgs.set(org, { sketch: HyperLogLog.restore(ORG_HLL_P, text), count: null });
  }
}
