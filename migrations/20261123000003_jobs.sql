-- Background jobs (outbound sends and other deferred work). Jobs carry ids only and are claimed
-- with FOR UPDATE SKIP LOCKED, so any number of nodes can run the runner.
CREATE TABLE jobs (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       JSONB NOT NULL,
    -- Deduplicates a job that must exist once (e.g. one delivery per outbound message).
    dedupe_key    TEXT UNIQUE,
    run_at        TIMESTAMPTZ NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL DEFAULT 8,
    last_error    TEXT,
    locked_until  TIMESTAMPTZ,
    failed_at     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE failed_at IS NULL;
