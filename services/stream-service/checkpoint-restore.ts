import { DistillGuardError } from '../common/errors.ts';
import { checkpointChains, newestVersion } from './checkpoint-chain.ts';
import type { CheckpointStore, StoredCheckpoint } from './checkpoint-store.ts';
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
 * order, each read page by page into the processor as it arrives. A delta that is missing, unreadable or refused ends
 * the chain at the link before it; a full checkpoint that cannot be read or restored falls back to the previous
 * chain. Null when the partition has no checkpoint; throws when it has some and none is usable (the restore is
 * retried, never silently started empty).
 */
export async function restoreChain(
  store: CheckpointStore,
  group: string,
  topic: string,
  partition: number,
  create: () => StatefulProcessor,
): Promise<RestoredState | null> {
  const listed = await store.list(group, topic, partition);
  if (listed.length === 0) return null;
  const problems: string[] = [];
  const load = (processor: StatefulProcessor, link: StoredCheckpoint) =>
    loadLink(store, group, topic, partition, processor, link);
  for (const candidate of checkpointChains(listed)) {
    if (candidate.broken) problems.push(`after full checkpoint ${candidate.full.version}: ${candidate.broken}`);
    let processor = create();
    const failed = await load(processor, candidate.full);
    if (failed) {
      problems.push(failed);
      continue;
    }
    let links = 0;
    for (const link of candidate.deltas) {
      const problem = await load(processor, link);
      if (!problem) {
        links++;
        continue;
      }
      problems.push(problem);
      // A delta that failed midway may have changed part of the state: rebuild up to the link before it.
      processor = create();
      for (const good of [candidate.full, ...candidate.deltas.slice(0, links)]) {
        const again = await load(processor, good);
        if (again)
          throw new Error(`checkpoint version ${good.version} of ${topic}:${partition} loaded, then not: ${again}`);
      }
      break;
    }
    const last = links === 0 ? candidate.full : candidate.deltas[links - 1]!;
    const used = candidate.deltas.slice(0, links);
    const chain = {
      version: last.version,
      deltas: links,
      deltaBytes: used.reduce((sum, d) => sum + d.bytes, 0),
      fullBytes: candidate.full.bytes,
    };
    const behind = last.version !== newestVersion(listed);
    return { processor, positions: last.positions, chain, problems, behind };
  }
  throw new Error(`no usable checkpoint for ${topic}:${partition} (${group}): ${problems.join('; ')}`);
}

/**
 * Loads one checkpoint into the processor page by page, as the store fetches them; returns why it could not (gone,
 * unreadable, refused, incomplete), or null. Other store errors (unreachable, overloaded) are thrown and retried.
 */
async function loadLink(
  store: CheckpointStore,
  group: string,
  topic: string,
  partition: number,
  processor: StatefulProcessor,
  link: StoredCheckpoint,
): Promise<string | null> {
  const name = `${link.kind === 'full' ? 'full checkpoint' : 'delta'} ${link.version}`;
  if (link.kind === 'delta' && !processor.delta) return `${name} refused: the processor cannot apply deltas`;
  const pages = store.read(group, topic, partition, link.version)[Symbol.asyncIterator]();
  let complete = false;
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await pages.next();
    } catch (error) {
      if (!unreadable(error)) throw error;
      return message(error);
    }
    if (next.done) break;
    try {
      if (complete) throw new Error('a page after the one that completed it');
      complete = processor.load(next.value);
    } catch (error) {
      await pages.return?.();
      return `${name} refused: ${message(error)}`;
    }
  }
  return complete ? null : `${name} refused: its pages end before the processor's last page`;
}
