-- Safe-contact rules as a versioned value (issue 13). The plain columns of `reporters`
-- (allowed_channels, never_contact_first, no_voicemail) stay as the queryable truth for those
-- three; everything personal (numbers allowed, safe windows and time zone, code word, cover
-- story, the person's own words) lives sealed in `safe_contact_enc`. The plaintext
-- `safe_hours` column is emptied by the app at start (`safe_contact::seal_plaintext_safe_hours`),
-- which holds the key; it is never written again.
ALTER TABLE reporters
    ADD COLUMN safe_contact_enc        BYTEA,
    ADD COLUMN safe_contact_version    INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN safe_contact_updated_at TIMESTAMPTZ,
    ADD COLUMN safe_contact_updated_by UUID REFERENCES users (id),
    -- chat, phone_form, counselor, callback_attempt, migration
    ADD COLUMN safe_contact_source     TEXT;

-- Every version of a person's rules: who recorded it, how and when (the whole value, sealed).
CREATE TABLE safe_contact_versions (
    reporter_id  UUID NOT NULL REFERENCES reporters (id),
    version      INTEGER NOT NULL,
    rules_enc    BYTEA NOT NULL,
    source       TEXT NOT NULL,
    recorded_by  UUID REFERENCES users (id),
    recorded_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reporter_id, version)
);

-- A message the gate refused at send time is `cancelled` (its reason in delivery_error); one
-- held until the next safe window stays `pending` with the reason.
ALTER TABLE messages DROP CONSTRAINT messages_delivery_check;
ALTER TABLE messages ADD CONSTRAINT messages_delivery_check
    CHECK (delivery IN ('received', 'pending', 'sent', 'delivered', 'failed', 'cancelled'));
