-- Cases: one open case per key and one per cluster, grouping the immutable alerts under it (issue 14).
-- Valid on ClickHouse 18.16 and current releases: no TTL, no LowCardinality, no DateTime64.

-- One row per state of a case; the highest `version` is current (read with FINAL). Partitioned by the month of the
-- first evidence, which never changes, so every state of a case lands in the same partition.
CREATE TABLE IF NOT EXISTS {db}.cases (
  case_id String,
  kind String,
  api_key_ids Array(String),
  org_ids Array(String),
  first_alert_id String,
  opened_at DateTime,
  opened_at_ms UInt64,
  status String,
  merged_into String,
  label String,
  note String,
  resolved_by String,
  resolved_at_ms UInt64,
  updated_at DateTime,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(opened_at)
ORDER BY case_id;

-- Which alert is evidence of which case, with the alert fields the queue aggregates (count, max severity and score,
-- categories, last evidence time). Written once per (case, alert); a redelivered fold writes the same row.
-- case_id '' marks a suppressed alert that was seen and kept out of every case.
CREATE TABLE IF NOT EXISTS {db}.case_alerts (
  case_id String,
  alert_id String,
  kind String,
  api_key_ids Array(String),
  severity String,
  severity_rank UInt8,
  score Float64,
  category String,
  raised_at DateTime,
  raised_at_ms UInt64,
  folded_at DateTime
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(raised_at)
ORDER BY (case_id, alert_id);

-- Audit of every change to a case (actor, time, before, after as JSON).
CREATE TABLE IF NOT EXISTS {db}.case_events (
  change_id String,
  case_id String,
  at DateTime,
  at_ms UInt64,
  actor String,
  action String,
  before String,
  after String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(at)
ORDER BY (case_id, at_ms, change_id);
