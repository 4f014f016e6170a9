-- Checkpoints keep only the newest DG_CHECKPOINT_RETAIN saves per consumer group and source partition (18.16 has no
-- TTL): a save numbers itself `version` (one more than the partition's newest) and writes slot `version % retain`;
-- ReplacingMergeTree(version) keeps the newest row of each slot when parts merge, and readers take the highest
-- version, so a reader never depends on a merge having run. `positions` holds the source offsets the state covers
-- (JSON); `state` is the gzipped state in base64, encoded once. The newest checkpoint of each partition in the old
-- table is carried over with empty `positions`, which the store reads in the old (doubly encoded) format.
CREATE TABLE IF NOT EXISTS {db}.detector_checkpoints_v2 (
  consumer_group String,
  topic String,
  partition UInt32,
  slot UInt32,
  version UInt64,
  next_offset UInt64,
  positions String,
  state String,
  state_bytes UInt64,
  saved_at DateTime
) ENGINE = ReplacingMergeTree(version)
PARTITION BY tuple()
ORDER BY (consumer_group, topic, partition, slot);
INSERT INTO {db}.detector_checkpoints_v2
SELECT consumer_group, topic, partition, toUInt32(0), max(version), argMax(next_offset, version), '',
  argMax(state, version), argMax(state_bytes, version), argMax(saved_at, version)
FROM {db}.detector_checkpoints
GROUP BY consumer_group, topic, partition;
DROP TABLE {db}.detector_checkpoints;
RENAME TABLE {db}.detector_checkpoints_v2 TO {db}.detector_checkpoints;
