import { LruMap } from '../../common/lru-map.ts';
import { hashString } from '../../common/text/tokenize.ts';
import { HyperLogLog } from '../sketches/hyperloglog.ts';
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

  constructor(maxOrgs = Number.MAX_SAFE_INTEGER, onCapEviction?: CapEvictionListener) {
    this.orgs = new LruMap(maxOrgs, {
      evictFraction: CAP_EVICT_FRACTION,
      onEvict: (evicted) => onCapEviction?.('orgs', evicted, maxOrgs),
    });
  }

  addKey(orgId: string, apiKeyId: string): void {
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

  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.orgs].map(([org, entry]) => [org, entry.sketch.snapshot()]));
  }

  static restore(s: Record<string, string>, maxOrgs?: number, onCapEviction?: CapEvictionListener): OrgRegistry {
    const out = new OrgRegistry(maxOrgs, onCapEviction);
    for (const [org, text] of Object.entries(s))
      out.orgs.set(org, { sketch: HyperLogLog.restore(ORG_HLL_P, text), count: null });
    return out;
  }
}
