-- Callbacks (issue 13): scheduled, owned, attempted, retried and escalated; candidates from
-- missed calls wait for a counselor's decision. The reason and notes are the counselor's words
-- about a person: sealed.
CREATE TABLE callbacks (
    id             UUID PRIMARY KEY,
    case_id        UUID NOT NULL REFERENCES cases (id),
    -- callback (a counselor scheduled it), follow_up (months after referral or closing),
    -- missed_call (from the phone system)
    kind           TEXT NOT NULL CHECK (kind IN ('callback', 'follow_up', 'missed_call')),
    status         TEXT NOT NULL CHECK (status IN ('candidate', 'scheduled', 'done', 'escalated', 'closed', 'dismissed')),
    -- unreachable, wrong_number, safe_contact_forbids (closed); the dismissal reason is sealed
    closed_reason  TEXT,
    due_from       TIMESTAMPTZ NOT NULL,
    due_to         TIMESTAMPTZ,
    channel        TEXT NOT NULL,
    phone_enc      BYTEA,
    owner_id       UUID REFERENCES users (id),
    reason_enc     BYTEA,
    -- Missed calls joined into one candidate raise it (repeated attempts can signal distress).
    missed_calls   INTEGER NOT NULL DEFAULT 0,
    created_by     UUID REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX callbacks_due_idx ON callbacks (due_from) WHERE status = 'scheduled';
CREATE INDEX callbacks_case_idx ON callbacks (case_id);
CREATE INDEX callbacks_owner_idx ON callbacks (owner_id, due_from) WHERE status IN ('scheduled', 'candidate');

CREATE TABLE callback_attempts (
    id           UUID PRIMARY KEY,
    callback_id  UUID NOT NULL REFERENCES callbacks (id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'busy', 'voicemail', 'unsafe', 'wrong_number')),
    note_enc     BYTEA,
    by_id        UUID REFERENCES users (id),
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX callback_attempts_callback_idx ON callback_attempts (callback_id, at);
