-- Retention schedules, legal holds and "forget me" (issue 17).
--
-- Erasing a person's data keeps the rows statistics count (cases, answer clocks, referrals'
-- statuses) and removes what they said and who they are: ciphertexts become NULL (or, where a
-- reader needs a value, a sealed empty one), keyed lookups are dropped so they cannot be
-- matched again, notes and attachments are deleted.

-- A case under legal hold: retention and forget-me leave it whole. The reason is sealed (it
-- may name an investigation or a court order).
CREATE TABLE legal_holds (
    case_id     UUID PRIMARY KEY REFERENCES cases (id),
    reason_enc  BYTEA NOT NULL,
    placed_by   UUID NOT NULL REFERENCES users (id),
    placed_at   TIMESTAMPTZ NOT NULL
);

ALTER TABLE cases
    -- When the case's personal fields were erased (retention or forget-me); NULL while whole.
    ADD COLUMN personal_erased_at TIMESTAMPTZ,
    -- The person asked that their data be erased while this case was under legal hold: it was
    -- kept, and the counselor is shown the request.
    ADD COLUMN forget_requested_at TIMESTAMPTZ;
CREATE INDEX cases_closed_unerased_idx ON cases (updated_at)
    WHERE status = 'closed' AND personal_erased_at IS NULL;

-- An erased identity keeps its row (cases, messages and events point at it) but loses what
-- names the person on the platform, so nobody can be matched to it again.
ALTER TABLE channel_identities
    ALTER COLUMN external_id_hash DROP NOT NULL,
    ALTER COLUMN external_id_enc DROP NOT NULL,
    -- The person asked to be forgotten: nothing more is sent here unless they write again.
    ADD COLUMN forgotten_at TIMESTAMPTZ;

ALTER TABLE reporters ADD COLUMN forgotten_at TIMESTAMPTZ;

-- An erased case keeps its record's plain statistics (status, outcome, exploitation) only.
ALTER TABLE case_records ALTER COLUMN record_enc DROP NOT NULL;

CREATE INDEX attachments_created_idx ON attachments (created_at);

-- Messages the hotline will ask a platform to delete from the person's chat (Telegram
-- deleteMessage) after they asked to be forgotten. The chat id is sealed; the row is deleted
-- once the platform has been asked, so nothing of the person stays here.
CREATE TABLE platform_deletions (
    id            UUID PRIMARY KEY,
    channel       TEXT NOT NULL,
    chat_enc      BYTEA NOT NULL,
    message_ids   TEXT[] NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
