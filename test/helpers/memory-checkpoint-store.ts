import { errors } from '../../services/common/errors.ts';
import type { CheckpointStore, StoredCheckpoint } from '../../services/stream-service/checkpoint-store.ts';

/** A saved checkpoint as kept in memory: `pages` as written (null: unreadable), `count` as the save recorded it. */
type Row = Omit<StoredCheckpoint, 'bytes'> & { pages: Buffer[] | null; count: number };

/**
 * The checkpoint store's contract in memory, every checkpoint kept: `rows` per `group/topic/partition`, oldest first,
 * for tests to inspect, drop or corrupt (a row whose `pages` is set to null reads as undecompressable; a page removed
 * from `pages` reads as gone, as the ClickHouse store finds it by the page count the save recorded).
 */
export function memoryCheckpointStore(): CheckpointStore & {
  rows: Map<string, Row[]>;
  /** The newest checkpoint of a partition. */
  newest(group: string, topic: string, partition: number): Row | undefined;
} {
  const rows = new Map<string, Row[]>();
  const of = (g: string, t: string, p: number) => {
    const key = `${g}/${t}/${p}`;
    if (!rows.has(key)) rows.set(key, []);
    return rows.get(key)!;
  };
  const bytesOf = (pages: Buffer[] | null) => (pages ?? []).reduce((n, page) => n + page.length, 0);
  return {
    rows,
    newest: (g, t, p) => of(g, t, p).at(-1),
    async save(g, t, p, { pages, ...c }) {
      const list = of(g, t, p);
      const version = (list.at(-1)?.version ?? 0) + 1;
      const written = [...pages];
      list.push({ ...c, version, pages: written, count: written.length });
      return { version, bytes: bytesOf(written), pages: written.length };
    },
    async list(g, t, p): Promise<StoredCheckpoint[]> {
      return of(g, t, p).map(({ pages, count: _, ...meta }) => ({ ...meta, bytes: bytesOf(pages) }));
    },
    async *read(g, t, p, version) {
      const row = of(g, t, p).find((r) => r.version === version);
      if (!row) throw errors.badInput(`checkpoint version ${version} is gone`);
      if (!row.pages) throw errors.badInput(`checkpoint version ${version} cannot be decompressed`);
      for (let i = 0; i < row.count; i++) {
        const page = row.pages[i];
        if (!page) throw errors.badInput(`page ${i + 1} of ${row.count} of checkpoint version ${version} is gone`);
        yield page;
      }
    },
  };
}
