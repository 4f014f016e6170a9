import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { errors } from '../common/errors.ts';
import type { LabelledSnapshot } from './snapshot-dataset.ts';
import { readAlertHistory } from './stored-alerts.ts';
import {
  assertEnoughLabels,
  countLabels,
  KeySample,
  type LabelMinimums,
  labelStoredRow,
  modelFeatureMapper,
  type StoredSplits,
  splitStoredRows,
} from './stored-rows.ts';
import { DAY_MS, dayChunks, iso, type TimeWindow } from './time-window.ts';
import type { PreparedData } from './train-run.ts';

export interface ClickHouseSourceOptions {
  window: TimeWindow;
  /** The last days of the window, held out and reported (`held_out_time`). */
  heldOutDays: number;
  /** One row per key per this much event time (the first in each window). */
  strideMs: number;
  validationShare: number;
  /** Most of the final rows that keys never alerted may make up (the rest are analyst-labelled). */
  neverAlertedShare: number;
  /** Never-alerted rows kept in memory while reading, before the share is applied. */
  maxNeverAlertedRows: number;
  minimums: LabelMinimums;
  features: readonly string[];
  onProgress?: (message: string) => void;
}

export const DEFAULT_SOURCE_OPTIONS = {
  heldOutDays: 2,
  strideMs: 10 * 60_000,
  validationShare: 0.2,
  neverAlertedShare: 0.5,
  maxNeverAlertedRows: 200_000,
  minimums: { positiveKeys: 3, negativeKeys: 3 },
} as const;

/** What reading kept and skipped, for the command's summary. */
export interface SourceReport {
  rowsRead: number;
  skipped: Record<'malformed' | 'missing_model_feature' | 'before_true_positive' | 'unresolved_alert', number>;
  neverAlertedSampledOut: number;
  splits: Record<'train' | 'validation' | 'held_out_time', ReturnType<typeof countLabels>>;
}

const storedRowSchema = z.object({
  api_key_id: z.string(),
  first_ms: z.coerce.number(),
  feature_names: z.array(z.string()),
  feature_values: z.array(z.number()),
});

/** The parsed line, or undefined when it is not JSON (e.g. a non-finite value written as `nan`). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first stored snapshot per key in each stride window of one chunk, streamed (the server thins, not us). */
async function* thinnedRows(ch: ClickHouse, chunk: TimeWindow, strideMs: number): AsyncGenerator<string> {
  const stream = await ch.stream(
    sql`SELECT api_key_id, min(ts_ms) AS first_ms, argMin(feature_names, ts_ms) AS feature_names,
          argMin(feature_values, ts_ms) AS feature_values
        FROM ${table(ch, 'key_features')}
        WHERE ts_ms >= ${chunk.fromMs} AND ts_ms < ${chunk.toMs}
        GROUP BY api_key_id, intDiv(ts_ms, ${strideMs})`,
    'JSONEachRow',
  );
  for await (const batch of stream as unknown as AsyncIterable<Array<{ text: string }>>) {
    for (const row of batch) yield row.text;
  }
}

/**
 * Labelled training rows from the service's own stored `key_features`, labelled by the analysts' verdicts in
 * `alerts` (see `labelStoredRow`), with keys never alerted as extra negatives, split by time.
 */
export async function readStoredTraining(
  ch: ClickHouse,
  options: ClickHouseSourceOptions,
): Promise<{ data: PreparedData; report: SourceReport }> {
  const { window } = options;
  const cutoffMs = window.toMs - options.heldOutDays * DAY_MS;
  if (cutoffMs <= window.fromMs)
    throw errors.badInput(`--held-out-days ${options.heldOutDays} leaves no training days in ${iso(window.fromMs)}..`);
  const progress = options.onProgress ?? (() => {});
  const history = await readAlertHistory(ch, window.toMs);
  progress(`alerts: ${history.alerted.size} alerted keys, ${history.verdicts.size} with verdicts`);
  const mapFeatures = modelFeatureMapper(options.features);
  const skipped: SourceReport['skipped'] = {
    malformed: 0,
    missing_model_feature: 0,
    before_true_positive: 0,
    unresolved_alert: 0,
  };
  const labelled: LabelledSnapshot[] = [];
  const neverAlerted = new KeySample(options.maxNeverAlertedRows);
  let rowsRead = 0;
  const chunks = dayChunks(window);
  for (const [i, chunk] of chunks.entries()) {
    for await (const text of thinnedRows(ch, chunk, options.strideMs)) {
      rowsRead++;
      const row = storedRowSchema.safeParse(parseJson(text));
      if (!row.success) {
        skipped.malformed++;
        continue;
      }
      const values = mapFeatures(row.data.feature_names, row.data.feature_values);
      if (!values) {
        skipped.missing_model_feature++;
        continue;
      }
      const verdict = labelStoredRow(history, row.data.api_key_id, row.data.first_ms);
      if ('skip' in verdict) {
        skipped[verdict.skip]++;
        continue;
      }
      const snapshot: LabelledSnapshot = {
        apiKeyId: row.data.api_key_id,
        ts: row.data.first_ms,
        values,
        label: verdict.label,
        archetype: verdict.archetype,
        variant: 0,
        seed: 0,
        analyst: !verdict.neverAlerted,
      };
      if (verdict.neverAlerted) neverAlerted.add(snapshot);
      else labelled.push(snapshot);
    }
    progress(`key_features ${iso(chunk.fromMs).slice(0, 10)}: day ${i + 1}/${chunks.length}, ${rowsRead} rows read`);
  }
  const share = options.neverAlertedShare;
  const extra = neverAlerted.take(Math.floor((labelled.length * share) / (1 - share)));
  const rows = [...labelled, ...extra].sort((a, b) => a.ts - b.ts || a.apiKeyId.localeCompare(b.apiKeyId));
  const splits = splitStoredRows(rows, cutoffMs, options.validationShare);
  assertEnoughLabels(splits, options.minimums, options.heldOutDays);
  const report: SourceReport = {
    rowsRead,
    skipped,
    neverAlertedSampledOut: neverAlerted.droppedRows,
    splits: {
      train: countLabels(splits.train),
      validation: countLabels(splits.validation),
      held_out_time: countLabels(splits.heldOut),
    },
  };
  return { data: prepared(ch, options, splits, cutoffMs), report };
}

function prepared(ch: ClickHouse, options: ClickHouseSourceOptions, splits: StoredSplits, cutoffMs: number) {
  const { window } = options;
  const rows = [...splits.train, ...splits.validation];
  const archetypes: Record<string, number> = {};
  for (const key of new Set(rows.map((r) => `${r.archetype}\u0000${r.apiKeyId}`))) {
    const archetype = key.split('\u0000')[0]!;
    archetypes[archetype] = (archetypes[archetype] ?? 0) + 1;
  }
  const counts = countLabels(rows);
  const data: PreparedData = {
    train: splits.train,
    validation: splits.validation,
    heldOut: { held_out_time: splits.heldOut },
    created: iso(rows.reduce((latest, r) => Math.max(latest, r.ts), window.fromMs)),
    training: {
      generator:
        `clickhouse ${ch.database}.key_features ${iso(window.fromMs)}..${iso(window.toMs)}, one row per key per ` +
        `${options.strideMs / 60_000} min, labelled by analyst verdicts (true_positive = 1 from the alert's ` +
        'raised_at; false_positive / benign_heavy_user = 0 for the key) plus keys never alerted as negatives ' +
        `(sampled by key hash to at most ${Math.round(options.neverAlertedShare * 100)}% of rows); ` +
        `${Math.round(options.validationShare * 100)}% of training keys (stratified) held back for calibration`,
      hours: (cutoffMs - window.fromMs) / 3_600_000,
      seeds: { train: [], heldOut: [] },
      archetypes: Object.fromEntries(Object.entries(archetypes).sort(([a], [b]) => a.localeCompare(b))),
      heldOutVariants: [
        `the last ${options.heldOutDays} day(s), ${iso(cutoffMs)}..${iso(window.toMs)} (held_out_time)`,
      ],
      counts: {
        snapshots: rows.length,
        positive: counts.positiveRows,
        negative: counts.negativeRows,
        keys: new Set(rows.map((r) => r.apiKeyId)).size,
        analystLabels: rows.filter((r) => r.analyst).length,
      },
      labelsFile: null,
    },
  };
  return data;
}
