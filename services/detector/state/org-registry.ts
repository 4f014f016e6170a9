import { hashString } from '../../common/text/tokenize.ts';
import { HyperLogLog } from '../sketches/hyperloglog.ts';
import { CappedRegistry } from './capped-registry.ts';
import type { MapChanges } from './map-changes.ts';
import type { CapEvictionListener } from './state-caps.ts';

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
export class OrgRegistry extends CappedRegistry<OrgEntry, string> {
  protected readonly create = (): OrgEntry => ({ sketch: new HyperLogLog(ORG_HLL_P), count: null });
  protected readonly snapshotOf = (entry: OrgEntry) => entry.sketch.snapshot();
  protected readonly restore = (s: string): OrgEntry => ({ sketch: HyperLogLog.restore(ORG_HLL_P, s), count: null });

  constructor(maxOrgs?: number, onCapEviction?: CapEvictionListener, changes?: MapChanges) {
    super('orgs', maxOrgs, onCapEviction, changes);
  }

  addKey(orgId: string, apiKeyId: string): void {
    const entry = this.use(orgId);
    entry.sketch.add(hashString(apiKeyId));
    entry.count = null;
  }

  keyCount(orgId: string): number {
    const entry = this.map.get(orgId);
    if (!entry) return 0;
    this.changes?.insert(orgId);
    entry.count ??= Math.round(entry.sketch.estimate());
    return entry.count;
  }
}
