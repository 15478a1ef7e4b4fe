-- The answer clock of each case (issue 15): one row per time a person waits for a human, from
-- their first message (or the moment a waiting case got a new message and became open again)
-- to the first human response (a counselor's first message after claiming, or a logged call).
-- Kept as rows, not derived from messages at report time, so a year's report reads one narrow
-- index instead of every message. No personal data: ids, channel, level, seconds.
CREATE TABLE answer_clocks (
    id              BIGSERIAL PRIMARY KEY,
    case_id         UUID NOT NULL REFERENCES cases (id),
    channel         TEXT NOT NULL,
    -- first_contact, reopened, or phone_form (a counselor filed it while on the phone: answered
    -- at once; left out of the percentiles because the ring time is not known here).
    started_by      TEXT NOT NULL CHECK (started_by IN ('first_contact', 'reopened', 'phone_form')),
    started_at      TIMESTAMPTZ NOT NULL,
    -- The first claim after the clock started (time to claim).
    claimed_at      TIMESTAMPTZ,
    -- A callback waiting for the person's safe window pauses the clock: that time is counted
    -- here, not as waiting. `paused_since` is set while paused.
    paused_since    TIMESTAMPTZ,
    paused_seconds  INTEGER NOT NULL DEFAULT 0,
    -- How the clock stopped: message or call (a human answered), phone_form, or closed (the
    -- case was closed or referred before anyone answered: not an answer).
    stopped_by      TEXT CHECK (stopped_by IN ('message', 'call', 'phone_form', 'closed')),
    stopped_at      TIMESTAMPTZ,
    answered_by     UUID REFERENCES users (id),
    -- The case's level when the clock stopped, the seconds waited (pauses excluded), the
    -- target that applied and whether it was met.
    level           TEXT CHECK (level IN ('critical', 'high', 'medium', 'low')),
    answer_seconds  INTEGER,
    target_seconds  INTEGER,
    within_target   BOOLEAN
);
-- At most one running clock per case; finding it is an index probe.
CREATE UNIQUE INDEX answer_clocks_running_idx ON answer_clocks (case_id) WHERE stopped_at IS NULL;
-- Reports over a period read only this index (an index-only scan for the percentiles).
CREATE INDEX answer_clocks_started_idx ON answer_clocks (started_at)
    INCLUDE (channel, level, started_by, stopped_by, answer_seconds, within_target, answered_by);
-- Breaches and activity by when the answer came.
CREATE INDEX answer_clocks_stopped_idx ON answer_clocks (stopped_at) WHERE stopped_at IS NOT NULL;

-- The dashboard's arrivals (this hour against the same hour last week) and the statistics
-- export's period filter read cases by creation time.
CREATE INDEX cases_created_idx ON cases (created_at);
-- Staff on shift: who did something recorded in the last minutes.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at) WHERE actor_id IS NOT NULL;
