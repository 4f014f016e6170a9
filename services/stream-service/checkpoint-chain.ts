import type { StoredCheckpoint } from './checkpoint-store.ts';

/** A full checkpoint and the deltas that follow it link by link (each delta's parent is the link before it). */
export interface CheckpointChain {
  full: StoredCheckpoint;
  deltas: StoredCheckpoint[];
  /** Why the chain stops before a later delta of its span (missing or forked link); null when it is whole. */
  broken: string | null;
}

/**
 * The chains of a partition's retained checkpoints (listed oldest first), newest full checkpoint first: restore
 * tries them in this order. A chain spans the versions from its full checkpoint to the next full one.
 */
export function checkpointChains(listed: readonly StoredCheckpoint[]): CheckpointChain[] {
  const fulls = listed.filter((c) => c.kind === 'full');
  return fulls
    .map((full, i) => {
      const end = fulls[i + 1]?.version ?? Number.POSITIVE_INFINITY;
      const span = listed.filter((c) => c.kind === 'delta' && c.version > full.version && c.version < end);
      const deltas: StoredCheckpoint[] = [];
      let tip = full.version;
      let broken: string | null = null;
      for (;;) {
        const next = span.filter((c) => c.parent === tip);
        if (next.length > 1) {
          broken = `deltas ${next.map((c) => c.version).join(' and ')} both follow version ${tip} (two writers)`;
          break;
        }
        if (next.length === 0) break;
        deltas.push(next[0]!);
        tip = next[0]!.version;
      }
      const stray = span.find((c) => c.version > tip);
      if (!broken && stray) {
        broken = `delta ${stray.version} follows version ${stray.parent}, not the chain's last link ${tip} (a link is missing)`;
      }
      return { full, deltas, broken };
    })
    .reverse();
}

/** The newest version of a listing (0 when empty). */
export const newestVersion = (listed: readonly StoredCheckpoint[]) => Math.max(0, ...listed.map((c) => c.version));
