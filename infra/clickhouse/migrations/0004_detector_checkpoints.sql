-- Detector state checkpoints: one row per save, per consumer group and source partition. The newest row
-- (highest version) holds the compressed state covering every event before `next_offset`. Old rows are dropped
-- with their daily partition.
CREATE TABLE IF NOT EXISTS {db}.detector_checkpoints (
  consumer_group String,
  topic String,
  partition UInt32,
  next_offset UInt64,
  state String,
  state_bytes UInt64,
  saved_at DateTime,
  version UInt64
) ENGINE = MergeTree()
PARTITION BY toDate(saved_at)
ORDER BY (consumer_group, topic, partition, version);
