-- The log's epoch, chosen once when the log is created: it survives restarts of every node and of the database, but a
-- recreated database (or schema) gets another. A resume cursor carried with another epoch was issued by another log,
-- so it is told of the gap instead of being replayed from this one, even when its number is in this log's range.
ALTER TABLE event_log_head ADD COLUMN epoch text NOT NULL DEFAULT gen_random_uuid()::text;
ALTER TABLE event_log_head ALTER COLUMN epoch DROP DEFAULT;
