-- Key actions: the policy rule that matched, the action a lift/expiry ended, and the expiry in milliseconds
-- (expires_at is whole seconds). Existing rows read the defaults.
ALTER TABLE {db}.key_actions ADD COLUMN rule String DEFAULT '';
ALTER TABLE {db}.key_actions ADD COLUMN target_action_id String DEFAULT '';
ALTER TABLE {db}.key_actions ADD COLUMN expires_at_ms Nullable(UInt64);
