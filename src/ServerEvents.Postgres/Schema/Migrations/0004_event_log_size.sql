-- The replay log is bounded in bytes as well as in count and age (ServerEvents:ReplayRetentionBytes). Each row keeps
-- its payload's size, and the index on replayable positions carries it, so the byte bound is found by reading the
-- index from the newest position down, never the payloads.
ALTER TABLE event_log ADD COLUMN size integer NOT NULL DEFAULT 0;
UPDATE event_log SET size = octet_length(payload);
CREATE INDEX event_log_replayable_size ON event_log (position) INCLUDE (size) WHERE replayable;
DROP INDEX event_log_replayable;
