import type { ClickHouse } from '../common/clickhouse/client.ts';
import { insertFailureKind } from '../common/clickhouse/insert-failure.ts';
import { rejectedEvent } from '../consumer/dead-letter.ts';
import type { DeadLetter, EventSink, SourcedEvent } from '../consumer/sink.ts';
import type { PromptPolicy } from './prompt-storage.ts';
import { toUsageEventRow } from './usage-event-row.ts';

/** Writes events to `usage_events`. Idempotent through ReplacingMergeTree (see README "Delivery semantics"). */
export function createClickHouseEventSink(ch: ClickHouse, prompts?: PromptPolicy): EventSink {
  async function insert(events: readonly SourcedEvent[]): Promise<DeadLetter[]> {
    const now = Date.now();
    try {
      await ch.insert(
        'usage_events',
        events.map((e) => toUsageEventRow(e, now, prompts)),
      );
      return [];
    } catch (error) {
      // Credentials, a missing table or an outage say nothing about the rows: the consumer retries and stays unready.
      if (insertFailureKind(error) === 'infrastructure') throw error;
      return isolateRejected(events, error as Error);
    }
  }

  /** A data error rejects the whole insert: bisect to find the rows the server refuses. */
  async function isolateRejected(events: readonly SourcedEvent[], error: Error): Promise<DeadLetter[]> {
    if (events.length === 1) {
      return [rejectedEvent(events[0]!, `sink_rejected: ${error.message}`)];
    }
    const mid = events.length >> 1;
    return [...(await insert(events.slice(0, mid))), ...(await insert(events.slice(mid)))];
  }

  return {
    name: 'clickhouse:usage_events',
    write: async (events) => ({ rejected: await insert(events) }),
    // The ClickHouse client belongs to whoever created it (the service shares it between sinks).
    close: async () => {},
  };
}
