-- Call events from the phone system (issue 13), recorded once per (pbx, call_id, outcome): a
-- redelivery answers with the first result and changes nothing. The caller's number is sealed
-- and looked up by keyed hash, like reporters' numbers.
CREATE TABLE call_events (
    pbx            TEXT NOT NULL,
    call_id        TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('answered', 'abandoned', 'no_answer', 'busy', 'failed', 'voicemail')),
    caller_enc     BYTEA NOT NULL,
    caller_hash    BYTEA NOT NULL,
    dialed         TEXT,
    hold_seconds   INTEGER,
    at             TIMESTAMPTZ NOT NULL,
    -- The hotline's own voicemail: where the recording is (sealed).
    recording_enc  BYTEA,
    -- What the event did: {"action", "case_id", "callback_id"} (ids only).
    result         JSONB NOT NULL DEFAULT '{}'::jsonb,
    received_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (pbx, call_id, outcome)
);
CREATE INDEX call_events_caller_idx ON call_events (caller_hash, at);
