-- Events written by datastorage (POST /events). Idempotent.
CREATE TABLE IF NOT EXISTS events (
    id           bigserial PRIMARY KEY,
    type         text        NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
    payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    severity     text        NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    processed_at timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS events_type_id_idx ON events (type, id);
