import { z } from 'zod';
import { errors } from '../../common/errors.ts';
import { parseOr } from '../../common/zod-issues.ts';
import { keySnapshotSchema, snapshotKeyState } from './key-snapshot.ts';
import { decodePipelineDelta, type PipelineDelta } from './pipeline-delta.ts';
import { compactedKeySchema, countersSchema, decodePipelineSnapshot, histogramSchema } from './pipeline-snapshot.ts';
import {
  applyClock,
  applyDeltaCore,
  applyEntries,
  compactedEntry,
  countersOf,
  loadSnapshot,
  type PipelineCore,
  type StateEntries,
} from './pipeline-state.ts';
import type { KeyStateParams } from './sketch-params.ts';

/**
 * Checkpoints in pages (version 2): no page holds the whole state, so a partition's checkpoint is never one string
 * (V8 refuses strings past ~512 MiB). A checkpoint is a sequence of JSON pages of about `pageBytes` each: pages of
 * entries of the four maps (active keys, compacted keys, organisations, cohorts), in that order, each map's removed
 * ids (deltas) before its written entries, every entry in its map's iteration order; then one `end` page with clock,
 * counters, stage 2's state and the number of pages before it. A full checkpoint is a delta over the empty state
 * (nothing removed). Loading applies each page as it comes and completes at `end`.
 */
export const DEFAULT_PAGE_BYTES = 4 * 1024 * 1024;

const kind = z.enum(['full', 'delta']);
const entriesPage = <P extends StateEntries['part'], T extends z.ZodType>(part: P, entry: T) =>
  z.object({
    v: z.literal(2),
    kind,
    part: z.literal(part),
    removed: z.array(z.string()).default([]),
    written: z.array(entry).default([]),
  });

const checkpointPageSchema = z.discriminatedUnion('part', [
  entriesPage('active', keySnapshotSchema),
  entriesPage('compacted', compactedKeySchema),
  entriesPage('orgs', z.tuple([z.string(), z.string()])),
  entriesPage('cohorts', z.tuple([z.string(), z.array(histogramSchema)])),
  z.object({
    v: z.literal(2),
    kind,
    part: z.literal('end'),
    /** Pages of this checkpoint before this one. */
    pages: z.int().min(0),
    watermark: z.number().nullable(),
    nextSweep: z.number(),
    counters: countersSchema,
    coordination: z.unknown().optional(),
  }),
]);

type CheckpointKind = z.infer<typeof kind>;

/** One map's part of a checkpoint, read lazily while its pages are written. */
interface PagedEntries {
  part: StateEntries['part'];
  removed: Iterable<string>;
  written: Iterable<unknown>;
}

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/** JSON pages of one list of a map's part: each entry stringified once, a page closed once it reaches `pageBytes`. */
function* listPages(head: string, list: 'removed' | 'written', items: Iterable<unknown>, pageBytes: number) {
  let batch: string[] = [];
  let size = 0;
  const page = () => `${head},"${list}":[${batch.join(',')}]}`;
  for (const item of items) {
    const json = JSON.stringify(item);
    batch.push(json);
    size += json.length + 1;
    if (size >= pageBytes) {
      yield page();
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield page();
}

/**
 * The pages of a checkpoint, generated one at a time as they are consumed (the caller writes each before asking for
 * the next). `unchanged` guards that the state is not touched meanwhile: the pages are read from the live state.
 */
function* checkpointPages(
  k: CheckpointKind,
  parts: readonly PagedEntries[],
  end: Omit<z.infer<typeof checkpointPageSchema> & { part: 'end' }, 'v' | 'kind' | 'part' | 'pages'>,
  pageBytes: number,
  unchanged: () => boolean,
): Generator<Buffer> {
  let pages = 0;
  for (const { part, removed, written } of parts) {
    const head = JSON.stringify({ v: 2, kind: k, part }).slice(0, -1);
    for (const [list, items] of [
      ['removed', removed],
      ['written', written],
    ] as const) {
      for (const page of listPages(head, list, items, pageBytes)) {
        if (!unchanged()) throw new Error('the detector state changed while its checkpoint was being written');
        pages++;
        yield Buffer.from(page);
      }
    }
  }
  yield Buffer.from(JSON.stringify({ v: 2, kind: k, part: 'end', pages, ...end }));
}

/** What a checkpoint holds besides the maps, read when it is taken. */
function endOf(core: PipelineCore, coordination: unknown) {
  return {
    watermark: core.clock.watermark,
    nextSweep: core.clock.nextSweep,
    counters: countersOf(core),
    ...(coordination === undefined ? {} : { coordination }),
  };
}

/** True while no event was processed since `core` was in the state a checkpoint is being written from. */
const unchangedSince = (core: PipelineCore) => {
  const events = core.counters.events;
  return () => core.counters.events === events;
};

/** The whole state in pages; changes are counted afresh from here (the next delta is relative to it). */
export function snapshotPages(core: PipelineCore, coordination: unknown, pageBytes: number): Iterable<Buffer> {
  const { keys, orgs, population } = core;
  core.changes.restart();
  const parts: PagedEntries[] = [
    { part: 'active', removed: [], written: mapped(keys.active.values(), snapshotKeyState) },
    {
      part: 'compacted',
      removed: [],
      written: mapped(keys.compacted.ids(), (id) => compactedEntry(keys.compacted, id)),
    },
    { part: 'orgs', removed: [], written: orgs.entries() },
    { part: 'cohorts', removed: [], written: population.entries() },
  ];
  return checkpointPages('full', parts, endOf(core, coordination), pageBytes, unchangedSince(core));
}

/**
 * What changed since the previous checkpoint, in pages, in replay order; changes are counted afresh from here. Null
 * before the first full checkpoint: a delta needs one under it.
 */
export function deltaPages(core: PipelineCore, coordination: unknown, pageBytes: number): Iterable<Buffer> | null {
  const { keys, orgs, population, changes } = core;
  if (!changes.tracking.on) return null;
  // The ids are taken now (changes restart below); the entries are read as the pages are written.
  const ids = (m: { removed: Set<string>; touched: Set<string> }) => ({
    removed: [...m.removed],
    touched: [...m.touched],
  });
  const active = ids(changes.active);
  const compacted = ids(changes.compacted);
  const changedOrgs = ids(changes.orgs);
  const cohorts = ids(changes.cohorts);
  const parts: PagedEntries[] = [
    {
      part: 'active',
      removed: active.removed,
      written: mapped(active.touched, (id) => snapshotKeyState(keys.active.get(id)!)),
    },
    {
      part: 'compacted',
      removed: compacted.removed,
      written: mapped(compacted.touched, (id) => compactedEntry(keys.compacted, id)),
    },
    { part: 'orgs', removed: changedOrgs.removed, written: orgs.entries(changedOrgs.touched) },
    { part: 'cohorts', removed: cohorts.removed, written: population.entries(cohorts.touched) },
  ];
  const pages = checkpointPages('delta', parts, endOf(core, coordination), pageBytes, unchangedSince(core));
  changes.restart();
  return pages;
}

/** How every version 2 page starts (a version 1 checkpoint is one JSON document, or gzip of one). */
const PAGE_V2 = Buffer.from('{"v":2,');

/**
 * Applies checkpoint pages to a pipeline's state as they come: the pages of a full checkpoint to a new, empty
 * pipeline, then those of each delta over it. A single-document checkpoint (version 1, `pipeline-snapshot.ts` and
 * `pipeline-delta.ts`, as every checkpoint was written before pages) is a checkpoint of one page. Each page is
 * validated before it changes any state; a page out of place (a delta before any full checkpoint, a full
 * checkpoint over a state, a page of the other kind mid-checkpoint, a page count that does not match) is refused.
 */
export class PageLoader {
  /** The checkpoint being loaded and the pages of it applied so far; null between checkpoints. */
  private loading: { kind: CheckpointKind; pages: number } | null = null;

  constructor(
    private readonly core: PipelineCore,
    private readonly params: KeyStateParams,
    private readonly restoreCoordination: (state: unknown) => void,
  ) {}

  /** Applies one page; true when it completed its checkpoint. Throws DG_ERR_BAD_INPUT when it refuses it. */
  load(bytes: Uint8Array): boolean {
    if (Buffer.from(bytes.subarray(0, PAGE_V2.length)).equals(PAGE_V2)) return this.loadPage(parseJson(bytes));
    if (this.loading) throw errors.badInput('a version 1 checkpoint in the middle of a paged one');
    let delta: PipelineDelta | null;
    try {
      delta = decodePipelineDelta(bytes);
    } catch {
      delta = null;
    }
    if (delta) {
      this.expect('delta');
      applyDeltaCore(this.core, delta, this.params);
      if (delta.coordination !== undefined) this.restoreCoordination(delta.coordination);
      return true;
    }
    const snapshot = decodePipelineSnapshot(bytes);
    this.expect('full');
    loadSnapshot(this.core, snapshot, this.params);
    if (snapshot.coordination !== undefined) this.restoreCoordination(snapshot.coordination);
    return true;
  }

  private loadPage(value: unknown): boolean {
    const page = parseOr(checkpointPageSchema, value, (issues) =>
      errors.badInput(`detector checkpoint page invalid: ${issues}`),
    );
    if (this.loading && this.loading.kind !== page.kind)
      throw errors.badInput(`a ${page.kind} checkpoint page in the middle of a ${this.loading.kind} checkpoint`);
    if (!this.loading) {
      this.expect(page.kind);
      this.loading = { kind: page.kind, pages: 0 };
    }
    if (page.part !== 'end') {
      applyEntries(this.core, page, this.params);
      this.loading.pages++;
      return false;
    }
    if (page.pages !== this.loading.pages)
      throw errors.badInput(`checkpoint ends after ${this.loading.pages} pages, its end page counts ${page.pages}`);
    this.loading = null;
    this.finish(page);
    return true;
  }

  /** A full checkpoint loads only into an empty pipeline, a delta only over a loaded checkpoint. */
  private expect(k: CheckpointKind): void {
    const tracking = this.core.changes.tracking.on;
    if (k === 'full' && (tracking || this.core.counters.events > 0))
      throw errors.badInput('a full checkpoint loads only into a new pipeline');
    if (k === 'delta' && !tracking) throw errors.badInput('a delta checkpoint needs a full checkpoint under it');
  }

  private finish(end: Parameters<typeof applyClock>[1] & { coordination?: unknown }): void {
    applyClock(this.core, end);
    if (end.coordination !== undefined) this.restoreCoordination(end.coordination);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw errors.badInput(`detector checkpoint is not JSON (${(error as Error).message})`, error);
  }
}
