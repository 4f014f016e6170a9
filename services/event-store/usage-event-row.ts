import type { SourcedEvent } from '../consumer/sink.ts';
import { type PromptPolicy, storedPrompt } from './prompt-storage.ts';

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Maps a validated event to a `usage_events` row; absent optional values become '' / 0 / NULL as the DDL says, and
 * the prompt is kept as `prompts` says (full text by default).
 */
export function toUsageEventRow(
  { event: e, source }: SourcedEvent,
  ingestedAtMs: number,
  prompts?: PromptPolicy,
): Record<string, unknown> {
  return {
    event_id: e.event_id,
    ts: seconds(e.ts),
    ts_ms: e.ts,
    api_key_id: e.api_key_id,
    org_id: e.org_id,
    account_id: e.account_id ?? '',
    model: e.model,
    endpoint: e.endpoint ?? '',
    status: e.status ?? 0,
    input_tokens: e.input_tokens,
    output_tokens: e.output_tokens,
    max_tokens: e.max_tokens ?? null,
    stop_reason: e.stop_reason ?? '',
    latency_ms: e.latency_ms ?? null,
    n: e.n ?? 1,
    temperature: e.temperature ?? null,
    top_p: e.top_p ?? null,
    logprobs: e.logprobs ? 1 : 0,
    top_logprobs: e.top_logprobs ?? 0,
    stream: e.stream ? 1 : 0,
    tool_count: e.tool_count ?? 0,
    ...storedPrompt(e, prompts),
    system_prompt_sha256: e.system_prompt_sha256 ?? '',
    client_ip: e.client_ip ?? '',
    client_asn: e.client_asn ?? null,
    client_country: e.client_country ?? '',
    user_agent: e.user_agent ?? '',
    billing_country: e.billing_country ?? '',
    key_created_at: e.key_created_at ? seconds(Date.parse(e.key_created_at)) : null,
    source_partition: source.partition,
    source_offset: source.offset,
    ingested_at: seconds(ingestedAtMs),
  };
}
