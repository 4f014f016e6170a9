import { once } from 'node:events';
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { parseEvent } from '../../schemas/parse-event.ts';
import { LIMITS } from '../../schemas/usage-v1.ts';
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

/**
 * A line of a batch already known to be valid UTF-8 that `parseEvent` may take as text: what it would decode from the
 * bytes is that text, unless the line starts with a byte order mark (which the decoder drops) or is over the size
 * limit (whose reason counts bytes). Those keep the bytes.
 */
function plainText(data: Buffer, start: number, end: number): boolean {
  if (end - start > LIMITS.maxMessageBytes) return false;
  return !(end - start >= 3 && data[start] === 0xef && data[start + 1] === 0xbb && data[start + 2] === 0xbf);
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
    const { data, starts, ends } = batch;
    for (let i = 0; i < starts.length; i++) {
      summary.lines++;
      const start = starts[i]!;
      const end = ends[i]!;
      if (end === start) continue;
      const parsed = parseEvent(
        batch.utf8 && plainText(data, start, end) ? data.toString('utf8', start, end) : data.subarray(start, end),
      );
      if (!parsed.ok) {
        summary.badLines++;
        options.onBadLine(batch.first + i, parsed.reason);
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
