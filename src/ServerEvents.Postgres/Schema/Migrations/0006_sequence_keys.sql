-- The value a named sequence gave each key (the userN number of an anonymous browser session), so every node and
-- every restart of a node answers the same for the key. Runs inside the migrator's transaction, with the schema on
-- the search path. (Numbered 0006: 0005 is the event-log epoch.)
CREATE TABLE sequence_keys (
    name text NOT NULL,
    key text NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (name, key)
);
