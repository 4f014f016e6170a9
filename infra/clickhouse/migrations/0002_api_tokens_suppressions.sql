-- Triage API tables. Valid on ClickHouse 18.16 and current releases (no TTL, no DateTime64, no LowCardinality).

-- API bearer tokens, stored only as sha256 of the token text. One row per state; highest version is current.
CREATE TABLE IF NOT EXISTS {db}.api_tokens (
  token_id String,
  name String,
  role String,
  token_hash String,
  created_at DateTime,
  revoked_at Nullable(DateTime),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY token_id;

-- Suppression (allowlist) rules scoped to a key, an org or a feature. One row per state; deleted=1 ends a rule.
CREATE TABLE IF NOT EXISTS {db}.suppressions (
  suppression_id String,
  scope String,
  value String,
  reason String,
  created_by String,
  created_at DateTime,
  created_at_ms UInt64,
  expires_at_ms UInt64,
  deleted UInt8,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY suppression_id;

-- Audit of every change to a suppression rule (actor, time, before, after as JSON).
CREATE TABLE IF NOT EXISTS {db}.suppression_events (
  change_id String,
  suppression_id String,
  at DateTime,
  at_ms UInt64,
  actor String,
  action String,
  before String,
  after String
) ENGINE = ReplacingMergeTree()
PARTITION BY toDate(at)
ORDER BY (suppression_id, at_ms, change_id);
