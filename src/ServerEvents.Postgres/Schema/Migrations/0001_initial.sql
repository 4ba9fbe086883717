-- The cluster tier's tables. Runs inside the migrator's transaction, with the schema on the search path.

-- Front-end nodes; each renews its row every few seconds. A subscription whose node's row is stale cannot be
-- pulsed, so its client re-subscribes elsewhere.
CREATE TABLE nodes (
    node_id text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    renewed_at timestamptz NOT NULL
);

-- The subscription directory (presence).
CREATE TABLE subscriptions (
    id text PRIMARY KEY,
    node_id text NOT NULL,
    channels text[] NOT NULL,
    user_id text NOT NULL,
    user_name text,
    display_name text NOT NULL,
    session_id text,
    profile_url text,
    is_authenticated boolean NOT NULL,
    created_at timestamptz NOT NULL,
    meta jsonb NOT NULL,
    last_pulse timestamptz NOT NULL
);
CREATE INDEX subscriptions_channels ON subscriptions USING gin (channels);
CREATE INDEX subscriptions_user_id ON subscriptions (user_id);
CREATE INDEX subscriptions_last_pulse ON subscriptions (last_pulse);

-- Named cluster-wide counters.
CREATE TABLE sequences (
    name text PRIMARY KEY,
    value bigint NOT NULL
);

-- The newest log position. Every append updates this one row in its own transaction, so appends are
-- serialised and positions are handed out in commit order, with no holes.
CREATE TABLE event_log_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position bigint NOT NULL
);
INSERT INTO event_log_head (position) VALUES (0);

-- Every fan-out item, events and signals alike, in position order. Only replayable events are served to
-- resuming streams; the rest is kept so a node that lost its LISTEN connection can catch up.
CREATE TABLE event_log (
    position bigint PRIMARY KEY,
    kind smallint NOT NULL,
    replayable boolean NOT NULL,
    created_at timestamptz NOT NULL,
    payload text NOT NULL
);
CREATE INDEX event_log_replayable ON event_log (position) WHERE replayable;
CREATE INDEX event_log_replayable_created_at ON event_log (created_at) WHERE replayable;

-- The newest replayable position removed by retention (kept apart from the head so trimming never
-- holds up appends).
CREATE TABLE event_log_eviction (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    evicted_through bigint NOT NULL
);
INSERT INTO event_log_eviction (evicted_through) VALUES (0);

-- Public chat messages per channel.
CREATE TABLE chat_messages (
    id bigint PRIMARY KEY,
    channel text NOT NULL,
    from_user_id text NOT NULL,
    from_name text NOT NULL,
    display_name text NOT NULL,
    message text NOT NULL,
    private boolean NOT NULL,
    to_user_id text,
    created_at timestamptz NOT NULL
);
CREATE INDEX chat_messages_channel_id ON chat_messages (channel, id);
