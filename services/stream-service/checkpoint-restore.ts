import { DistillGuardError } from '../common/errors.ts';
import { type CheckpointChain, checkpointChains, newestVersion } from './checkpoint-chain.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { StatefulProcessor } from './stateful-sink.ts';

/** Where a slot's saved checkpoints stand: the last link written, and what decides when the next is full. */
export interface SavedChain {
  version: number;
  deltas: number;
  /** Uncompressed bytes of the chain's deltas and of its full checkpoint. */
  deltaBytes: number;
  fullBytes: number;
}

export interface RestoredState {
  processor: StatefulProcessor;
  /** Positions of the last link applied: the state covers every event before them. */
  positions: Record<string, string>;
  chain: SavedChain;
  /** Links that could not be used (missing, unreadable, refused), in the order met. */
  problems: string[];
  /** True when a newer checkpoint than the one restored exists: events after `positions` must be read again. */
  behind: boolean;
}

const message = (error: unknown) => (error as Error).message;
/** A checkpoint that is gone or cannot be decompressed; other store errors (unreachable server) are retried. */
const unreadable = (error: unknown) => error instanceof DistillGuardError && error.code === 'DG_ERR_BAD_INPUT';

/**
 * Restores the newest state the partition's checkpoints can rebuild: the newest full checkpoint, then its deltas in
 * order. A delta that is missing, unreadable or refused ends the chain at the link before it; a full checkpoint
 * that cannot be read or restored falls back to the previous chain. Null when the partition has no checkpoint;
 * throws when it has some and none is usable (the restore is retried, never silently started empty).
 */
export async function restoreChain(
  store: CheckpointStore,
  group: string,
  topic: string,
  partition: number,
  create: (state: Buffer | null) => StatefulProcessor,
): Promise<RestoredState | null> {
  const listed = await store.list(group, topic, partition);
  if (listed.length === 0) return null;
  const problems: string[] = [];
  const read = (version: number) => store.read(group, topic, partition, version);
  for (const candidate of checkpointChains(listed)) {
    if (candidate.broken) problems.push(`after full checkpoint ${candidate.full.version}: ${candidate.broken}`);
    let full: Buffer;
    try {
      full = await read(candidate.full.version);
    } catch (error) {
      if (!unreadable(error)) throw error;
      problems.push(message(error));
      continue;
    }
    const deltas: Buffer[] = [];
    for (const link of candidate.deltas) {
      try {
        deltas.push(await read(link.version));
      } catch (error) {
        if (!unreadable(error)) throw error;
        problems.push(message(error));
        break;
      }
    }
    const built = build(candidate, full, deltas, create, problems);
    if (!built) continue;
    const last = built.links === 0 ? candidate.full : candidate.deltas[built.links - 1]!;
    const used = candidate.deltas.slice(0, built.links);
    const chain = {
      version: last.version,
      deltas: built.links,
      deltaBytes: used.reduce((sum, d) => sum + d.bytes, 0),
      fullBytes: candidate.full.bytes,
    };
    const behind = last.version !== newestVersion(listed);
    return { processor: built.processor, positions: last.positions, chain, problems, behind };
  }
  throw new Error(`no usable checkpoint for ${topic}:${partition} (${group}): ${problems.join('; ')}`);
}

/** The processor from `full` plus as many `deltas` as apply; rebuilt from `full` when one fails midway. */
function build(
  candidate: CheckpointChain,
  full: Buffer,
  deltas: readonly Buffer[],
  create: (state: Buffer | null) => StatefulProcessor,
  problems: string[],
): { processor: StatefulProcessor; links: number } | null {
  let processor: StatefulProcessor;
  try {
    processor = create(full);
  } catch (error) {
    problems.push(`full checkpoint ${candidate.full.version} refused: ${message(error)}`);
    return null;
  }
  for (let i = 0; i < deltas.length; i++) {
    try {
      if (!processor.applyDelta) throw new Error('the processor cannot apply deltas');
      processor.applyDelta(deltas[i]!);
    } catch (error) {
      problems.push(`delta ${candidate.deltas[i]!.version} refused: ${message(error)}`);
      // A delta that failed midway may have changed part of the state: rebuild up to the link before it.
      const again = create(full);
      for (const d of deltas.slice(0, i)) again.applyDelta!(d);
      return { processor: again, links: i };
    }
  }
  return { processor, links: deltas.length };
}
