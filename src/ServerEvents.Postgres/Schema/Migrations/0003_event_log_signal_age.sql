-- Rows that are not replayable (signals, subscription-targeted events) are trimmed by age alone. With this index
-- the trim finds them, and the replayable rows it drops by position, with two index scans instead of reading the
-- whole log every sweep.
CREATE INDEX event_log_unreplayable_created_at ON event_log (created_at) WHERE NOT replayable;
