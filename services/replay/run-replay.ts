import { once } from 'node:events';
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { parseEvent } from '../../schemas/parse-event.ts';
import type { DetectorPipeline, PipelineOutput } from '../detector/types.ts';
import { readLineBatches } from './line-reader.ts';

export interface ReplayOptions {
  input: string;
  alerts: string;
  features?: string;
  pipeline: DetectorPipeline;
  /** Called once per bad line (line number and the parser's reason). */
  onBadLine: (lineNumber: number, reason: string) => void;
  /** Progress: bytes read so far of `totalBytes`. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ReplaySummary {
  lines: number;
  events: number;
  badLines: number;
  alerts: number;
  featureRows: number;
  seconds: number;
}

async function writeAll(stream: WriteStream | null, lines: string[]): Promise<void> {
  if (!stream || lines.length === 0) return;
  if (!stream.write(lines.join(''))) await once(stream, 'drain');
}

async function closeStream(stream: WriteStream | null): Promise<void> {
  if (!stream) return;
  stream.end();
  await once(stream, 'finish');
}

/** Collects a pipeline output as JSON lines (alerts always; features when a features file was asked for). */
function collect(out: PipelineOutput, alerts: string[], features: string[] | null): void {
  for (const alert of out.alerts) alerts.push(`${JSON.stringify(alert)}\n`);
  if (features) for (const row of out.features) features.push(`${JSON.stringify(row)}\n`);
}

/** Replays a usage.v1 JSONL file through the pipeline in file order, writing alerts (and feature rows) as JSONL. */
export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const totalBytes = statSync(options.input).size;
  const alertStream = createWriteStream(options.alerts);
  const featureStream = options.features ? createWriteStream(options.features) : null;
  const summary: ReplaySummary = { lines: 0, events: 0, badLines: 0, alerts: 0, featureRows: 0, seconds: 0 };
  let bytesRead = 0;
  const onBytes = (n: number) => {
    bytesRead += n;
    options.onProgress?.(bytesRead, totalBytes);
  };
  for await (const batch of readLineBatches(options.input, onBytes)) {
    const alerts: string[] = [];
    const features: string[] | null = featureStream ? [] : null;
    for (const line of batch) {
      summary.lines++;
      if (line.bytes.length === 0) continue;
      const parsed = parseEvent(line.bytes);
      if (!parsed.ok) {
        summary.badLines++;
        options.onBadLine(line.number, parsed.reason);
        continue;
      }
      summary.events++;
      collect(options.pipeline.process(parsed.event), alerts, features);
    }
    summary.alerts += alerts.length;
    summary.featureRows += features?.length ?? 0;
    await Promise.all([writeAll(alertStream, alerts), writeAll(featureStream, features ?? [])]);
  }
  const last: string[] = [];
  const lastFeatures: string[] | null = featureStream ? [] : null;
  collect(options.pipeline.finish(), last, lastFeatures);
  summary.alerts += last.length;
  summary.featureRows += lastFeatures?.length ?? 0;
  await Promise.all([writeAll(alertStream, last), writeAll(featureStream, lastFeatures ?? [])]);
  await Promise.all([closeStream(alertStream), closeStream(featureStream)]);
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
