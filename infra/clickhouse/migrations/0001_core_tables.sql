-- Core tables. Valid on ClickHouse 18.16 and current releases: no TTL (retention drops daily partitions),
-- no LowCardinality, no DateTime64 (event time is kept as DateTime plus epoch milliseconds).
-- {db} is replaced by the validated database identifier.

-- Raw usage.v1 events. ReplacingMergeTree collapses a redelivered event (same key, time and event_id) on merge;
-- queries read with FINAL or aggregate by event_id so duplicates are never visible.
CREATE TABLE IF NOT EXISTS {db}.usage_events (
  event_id String,
  ts DateTime,
  ts_ms UInt64,
  api_key_id String,
  org_id String,
  account_id String,
  model String,
  endpoint String,
  status UInt16,
  input_tokens UInt32,
  output_tokens UInt32,
  max_tokens Nullable(UInt32),
  stop_reason String,
  latency_ms Nullable(Float64),
  n UInt16,
  temperature Nullable(Float32),
  top_p Nullable(Float32),
  logprobs UInt8,
  top_logprobs UInt8,
  stream UInt8,
  tool_count UInt16,
  prompt_text String,
  prompt_sha256 String,
  prompt_simhash String,
  system_prompt_sha256 String,
  client_ip String,
  client_asn Nullable(UInt32),
  client_country String,
  user_agent String,
  billing_country String,
  key_created_at Nullable(DateTime),
  source_partition UInt32,
  source_offset UInt64,
  ingested_at DateTime
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toDate(ts)
ORDER BY (api_key_id, ts, event_id);

-- Per-key feature snapshots (at most one per key per minute of event time), in FEATURE_NAMES order.
CREATE TABLE IF NOT EXISTS {db}.key_features (
  api_key_id String,
  org_id String,
  model String,
  ts DateTime,
  ts_ms UInt64,
  feature_names Array(String),
  feature_values Array(Float64),
  score Float64
) ENGINE = ReplacingMergeTree()
PARTITION BY toDate(ts)
ORDER BY (api_key_id, ts_ms);

-- Alerts: one row per state; the row with the highest `version` is current (read with FINAL or argMax).
-- Partitioned by the immutable raised_at so every state of an alert lands in the same partition.
CREATE TABLE IF NOT EXISTS {db}.alerts (
  alert_id String,
  kind String,
  api_key_ids Array(String),
  org_ids Array(String),
  score Float64,
  severity String,
  category String,
  raised_at DateTime,
  raised_at_ms UInt64,
  reasons String,
  evidence_event_ids Array(String),
  escalates String,
  status String,
  assignee String,
  label String,
  note String,
  suppressed UInt8,
  updated_at DateTime,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toDate(raised_at)
ORDER BY alert_id;

-- Audit of every change to an alert (actor, time, before, after as JSON).
CREATE TABLE IF NOT EXISTS {db}.alert_events (
  change_id String,
  alert_id String,
  at DateTime,
  at_ms UInt64,
  actor String,
  action String,
  before String,
  after String
) ENGINE = ReplacingMergeTree()
PARTITION BY toDate(at)
ORDER BY (alert_id, at_ms, change_id);

-- Audit of every key action (throttle, suspend, lift), automatic or manual.
CREATE TABLE IF NOT EXISTS {db}.key_actions (
  action_id String,
  api_key_id String,
  org_id String,
  action String,
  mode String,
  rpm Nullable(UInt32),
  tpm Nullable(UInt64),
  reason String,
  actor String,
  alert_id String,
  created_at DateTime,
  created_at_ms UInt64,
  expires_at Nullable(DateTime)
) ENGINE = ReplacingMergeTree()
PARTITION BY toDate(created_at)
ORDER BY (api_key_id, created_at_ms, action_id);
