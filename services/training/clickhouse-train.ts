import { createClickHouse } from '../common/clickhouse/client.ts';
import type { Config } from '../common/config/index.ts';
import { MODEL_FEATURES } from '../detector/features/feature-roles.ts';
import { DEFAULT_SOURCE_OPTIONS, readStoredTraining, type SourceReport } from './clickhouse-source.ts';
import type { TimeWindow } from './time-window.ts';
import { type SavedModel, type TrainProgress, trainOnData } from './train-run.ts';

export interface ClickHouseTrainOptions {
  config: Config;
  window: TimeWindow;
  heldOutDays: number;
  seed: number;
  version: string;
  outDir: string;
  onProgress?: (progress: TrainProgress) => void;
  /** One line per stage of reading, for stderr. */
  onMessage?: (message: string) => void;
}

/**
 * `train --from-clickhouse`: the same trainer as the simulated path, on the service's stored snapshots labelled by
 * the analysts; the rows already hold MODEL_FEATURES only (mapped by name), so no projection follows.
 */
export async function trainFromClickHouse(
  options: ClickHouseTrainOptions,
): Promise<{ autoencoder: SavedModel; classifier: SavedModel; report: SourceReport }> {
  const ch = createClickHouse(options.config.clickhouse);
  try {
    const { data, report } = await readStoredTraining(ch, {
      ...DEFAULT_SOURCE_OPTIONS,
      window: options.window,
      heldOutDays: options.heldOutDays,
      features: MODEL_FEATURES,
      ...(options.onMessage ? { onProgress: options.onMessage } : {}),
    });
    options.onMessage?.(describeReport(report));
    const models = await trainOnData(
      {
        seed: options.seed,
        version: options.version,
        outDir: options.outDir,
        features: MODEL_FEATURES,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
      data,
    );
    return { ...models, report };
  } finally {
    await ch.close();
  }
}

/** One paragraph of what was read, kept and skipped. */
function describeReport(report: SourceReport): string {
  const skipped = Object.entries(report.skipped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const splits = Object.entries(report.splits)
    .map(
      ([name, c]) =>
        `${name}: ${c.positiveKeys} attack keys / ${c.positiveRows} rows, ${c.negativeKeys} benign keys / ${c.negativeRows} rows`,
    )
    .join('; ');
  return `read ${report.rowsRead} thinned rows; skipped: ${skipped}; never-alerted rows sampled out ${report.neverAlertedSampledOut}\n${splits}`;
}
