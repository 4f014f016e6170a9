import { hashString } from '../../common/text/tokenize.ts';
import { HyperLogLog } from '../sketches/hyperloglog.ts';

const ORG_HLL_P = 8;

/** Distinct keys per organisation (HyperLogLog, so a hostile org minting keys costs 256 bytes, not a set). */
export class OrgRegistry {
  private readonly orgs = new Map<string, HyperLogLog>();
  /** Estimates cached until the org gains a key (read at every snapshot, changed rarely). */
  private readonly counts = new Map<string, number>();

  addKey(orgId: string, apiKeyId: string): void {
    let sketch = this.orgs.get(orgId);
    if (!sketch) {
      sketch = new HyperLogLog(ORG_HLL_P);
      this.orgs.set(orgId, sketch);
    }
    sketch.add(hashString(apiKeyId));
    this.counts.delete(orgId);
  }

  keyCount(orgId: string): number {
    let count = this.counts.get(orgId);
    if (count === undefined) {
      count = Math.round(this.orgs.get(orgId)?.estimate() ?? 0);
      this.counts.set(orgId, count);
    }
    return count;
  }

  get size(): number {
    return this.orgs.size;
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.orgs].map(([org, sketch]) => [org, sketch.snapshot()]));
  }

  static restore(s: Record<string, string>): OrgRegistry {
    const out = new OrgRegistry();
    for (const [org, text] of Object.entries(s)) out.orgs.set(org, HyperLogLog.restore(ORG_HLL_P, text));
    return out;
  }
}
