-- The ASP.NET Core Data Protection key ring, shared by every node so that a cookie issued by one node
-- (sign-in, OAuth correlation) can be read by any other: no sticky sessions needed.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
