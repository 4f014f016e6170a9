import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import type { MlConfig } from '../common/config/ml.ts';
import { errors } from '../common/errors.ts';
import {
  type CalibrationFile,
  type ReferenceProfile,
  readCalibration,
  resolveCalibrationDir,
} from '../detector/calibration/calibration-file.ts';
import { ReferenceCollector } from '../detector/calibration/reference-collector.ts';
import { resolveModelDir } from '../ml/model-store.ts';
import { type AlertHistory, hasTruePositive, readAlertHistory } from './stored-alerts.ts';
import { DAY_MS, dayChunks, iso, type TimeWindow } from './time-window.ts';

export type ScoringProfile = 'ml' | 'rules';

/**
 * The benign segment of a stored key, or null when it is not benign reference: keys with a true-positive verdict
 * and keys in an alert nobody has resolved yet are left out; the others are named by their latest verdict.
 */
export function benignSegmentOf(history: AlertHistory): (apiKeyId: string) => string | null {
  return (apiKeyId) => {
    if (hasTruePositive(history, apiKeyId) || history.open.has(apiKeyId)) return null;
    const latest = history.verdicts.get(apiKeyId)?.at(-1);
    if (latest) return latest.label;
    return history.alerted.has(apiKeyId) ? 'resolved_unlabelled' : 'never_alerted';
  };
}

const keyDaySchema = z.object({
  api_key_id: z.string(),
  day: z.coerce.number(),
  evidence: z.number(),
  last_ms: z.coerce.number(),
});

export interface StoredReference {
  profile: ReferenceProfile;
  /** Key-days read, and those left out because the key has a true-positive verdict or an unresolved alert. */
  keyDays: { read: number; truePositive: number; unresolved: number };
  /** Latest event time read (epoch ms), 0 when nothing was. */
  lastMs: number;
}

/** Each stored key-day's highest evidence score (UTC days), one day per query, folded into the benign reference. */
export async function readStoredReference(
  ch: ClickHouse,
  window: TimeWindow,
  onProgress: (message: string) => void = () => {},
): Promise<StoredReference> {
  const history = await readAlertHistory(ch, window.toMs);
  const segmentOf = benignSegmentOf(history);
  const collector = new ReferenceCollector(segmentOf);
  const keyDays = { read: 0, truePositive: 0, unresolved: 0 };
  let lastMs = 0;
  const chunks = dayChunks(window);
  for (const [i, chunk] of chunks.entries()) {
    const rows = await ch.query(
      sql`SELECT api_key_id, intDiv(ts_ms, ${DAY_MS}) AS day, max(evidence) AS evidence, max(ts_ms) AS last_ms
          FROM ${table(ch, 'key_features')}
          WHERE ts_ms >= ${chunk.fromMs} AND ts_ms < ${chunk.toMs}
          GROUP BY api_key_id, day`,
      keyDaySchema,
    );
    for (const row of rows) {
      keyDays.read++;
      lastMs = Math.max(lastMs, row.last_ms);
      if (hasTruePositive(history, row.api_key_id)) keyDays.truePositive++;
      else if (history.open.has(row.api_key_id)) keyDays.unresolved++;
      collector.observe({
        api_key_id: row.api_key_id,
        org_id: '',
        model: '',
        ts: row.day * DAY_MS,
        values: [],
        score: row.evidence,
        evidence: row.evidence,
      });
    }
    onProgress(
      `key_features ${iso(chunk.fromMs).slice(0, 10)}: day ${i + 1}/${chunks.length}, ${keyDays.read} key-days`,
    );
  }
  return { profile: collector.profile(), keyDays, lastMs };
}

/** The tfjs model versions the service runs (`kind/version`): the models behind a calibration's `ml` profile. */
export async function modelsInUse(ml: MlConfig): Promise<CalibrationFile['models']> {
  const relative = async (kind: string, version: string) =>
    (await resolveModelDir(ml.modelsDir, kind, version)).split('/').slice(-2).join('/');
  return {
    autoencoder: await relative('autoencoder', ml.versions.autoencoder),
    classifier: await relative('classifier', ml.versions.classifier),
  };
}

/** The calibration in use, whose other profile is carried over; null when there is none. */
async function currentCalibration(ml: MlConfig): Promise<{ dir: string; file: CalibrationFile } | null> {
  try {
    const dir = await resolveCalibrationDir(ml.modelsDir, ml.calibrationVersion);
    return { dir, file: await readCalibration(dir) };
  } catch {
    return null;
  }
}

/**
 * A calibration whose `profile` reference comes from stored traffic (the rows were scored by whatever the service
 * ran: `ml` = rules + the configured tfjs models, `rules` = rules and statistics only); the other profile is carried
 * over from the calibration in use. The `rules` profile is required, so an `ml` recalibration needs one to exist.
 */
export async function storedCalibration(options: {
  ch: ClickHouse;
  ml: MlConfig;
  version: string;
  window: TimeWindow;
  profile: ScoringProfile;
  onProgress?: (message: string) => void;
}): Promise<{ file: CalibrationFile; reference: StoredReference }> {
  const { ch, ml, window, profile } = options;
  const current = await currentCalibration(ml);
  if (profile === 'ml' && !current)
    throw errors.badInput('an ml recalibration keeps the rules profile of the calibration in use, and none was found');
  const reference = await readStoredReference(ch, window, options.onProgress);
  if (reference.profile.key_days === 0)
    throw errors.badInput(
      `no benign key-days in ${ch.database}.key_features ${iso(window.fromMs)}..${iso(window.toMs)}`,
    );
  const source = `clickhouse:${ch.database}.key_features ${iso(window.fromMs)}..${iso(window.toMs)} (${profile} profile)`;
  const carried = current ? [`${profile === 'ml' ? 'rules' : 'ml'} profile carried over from ${current.dir}`] : [];
  const file: CalibrationFile = {
    format: 'distillguard-calibration/1',
    version: options.version,
    created: iso(reference.lastMs || window.toMs),
    models:
      profile === 'ml' ? await modelsInUse(ml) : (current?.file.models ?? { autoencoder: null, classifier: null }),
    datasets: [source, ...carried],
    profiles:
      profile === 'ml'
        ? { ml: reference.profile, rules: current!.file.profiles.rules }
        : { ml: current?.file.profiles.ml ?? null, rules: reference.profile },
  };
  return { file, reference };
}
