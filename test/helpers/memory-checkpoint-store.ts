import { errors } from '../../services/common/errors.ts';
import type { Checkpoint, CheckpointStore, StoredCheckpoint } from '../../services/stream-service/checkpoint-store.ts';

type Saved = Checkpoint & { version: number };

/**
 * The checkpoint store's contract in memory, every checkpoint kept: `rows` per `group/topic/partition`, oldest first,
 * for tests to inspect, drop or corrupt (a row whose `state` is set to null reads as undecompressable).
 */
export function memoryCheckpointStore(): CheckpointStore & {
  rows: Map<string, Array<Omit<Saved, 'state'> & { state: Buffer | null }>>;
  /** The newest checkpoint of a partition. */
  newest(group: string, topic: string, partition: number): Saved | undefined;
} {
  const rows = new Map<string, Array<Omit<Saved, 'state'> & { state: Buffer | null }>>();
  const of = (g: string, t: string, p: number) => {
    const key = `${g}/${t}/${p}`;
    if (!rows.has(key)) rows.set(key, []);
    return rows.get(key)!;
  };
  return {
    rows,
    newest: (g, t, p) => of(g, t, p).at(-1) as Saved | undefined,
    async save(g, t, p, c) {
      const list = of(g, t, p);
      const version = (list.at(-1)?.version ?? 0) + 1;
      list.push({ ...c, version });
      return version;
    },
    async list(g, t, p): Promise<StoredCheckpoint[]> {
      return of(g, t, p).map(({ state, ...meta }) => ({ ...meta, bytes: state?.length ?? 0 }));
    },
    async read(g, t, p, version) {
      const row = of(g, t, p).find((r) => r.version === version);
      if (!row) throw errors.badInput(`checkpoint version ${version} is gone`);
      if (!row.state) throw errors.badInput(`checkpoint version ${version} cannot be decompressed`);
      return row.state;
    },
  };
}
