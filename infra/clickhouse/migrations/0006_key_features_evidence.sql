-- key_features: the evidence part of each score (rules + classifier), which the false-positive budget is calibrated
-- on (`calibrate --from-clickhouse`). Rows written before this read their ensemble score. Plain ADD COLUMN because
-- ClickHouse 18.16 has no IF NOT EXISTS here; the migration runs once, recorded in schema_migrations.
ALTER TABLE {db}.key_features ADD COLUMN evidence Float64 DEFAULT score;
