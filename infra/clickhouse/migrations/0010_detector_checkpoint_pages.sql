-- Checkpoints in pages (issue 11): V8 refuses strings past ~512 MiB, so a partition's state is no longer one value.
-- A save writes its state as pages, each its own row of detector_checkpoint_pages (gzipped, base64) under the
-- checkpoint's version, in order and in batches, and only then its row in detector_checkpoints, which records the
-- number of pages (`pages`), their uncompressed bytes in all (`state_bytes`) and the sha256 of those bytes in order
-- (`state_sha256`): a checkpoint without its row was never saved, and a page missing, replaced or torn is refused
-- when read. Rows written before this migration have `pages` = 0 and their state in `state`, read as before.
-- Pages are slotted like their checkpoints (ReplacingMergeTree(version), 18.16 has no TTL), one row per slot and page.
ALTER TABLE {db}.detector_checkpoints ADD COLUMN pages UInt32 DEFAULT 0, ADD COLUMN state_sha256 String DEFAULT '';
CREATE TABLE IF NOT EXISTS {db}.detector_checkpoint_pages (
  consumer_group String,
  topic String,
  partition UInt32,
  slot UInt32,
  page UInt32,
  version UInt64,
  state String,
  saved_at DateTime
) ENGINE = ReplacingMergeTree(version)
PARTITION BY tuple()
ORDER BY (consumer_group, topic, partition, slot, page);
