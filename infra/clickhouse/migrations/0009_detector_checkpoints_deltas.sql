-- Incremental checkpoints: a row is either a full state (`delta` = 0) or a delta (`delta` = 1) holding only what
-- changed since the checkpoint whose version is `parent`. Restore = the newest full checkpoint, then its deltas in
-- parent order. Rows written before this migration are full checkpoints (the defaults).
ALTER TABLE {db}.detector_checkpoints ADD COLUMN delta UInt8 DEFAULT 0, ADD COLUMN parent UInt64 DEFAULT 0;
