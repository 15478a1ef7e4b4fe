-- Issue 14, closing the loop by mail and by phone.

-- A partner's reply email that quotes a referral's reference, from the partner's referral
-- address: attached to the referral (never to the reporter's conversation). Subject and text
-- are sealed; `place_key` (mailbox:uidvalidity:uid) makes reading the mailbox twice harmless.
CREATE TABLE referral_replies (
    id           UUID PRIMARY KEY,
    referral_id  UUID NOT NULL REFERENCES referrals (id),
    place_key    TEXT NOT NULL UNIQUE,
    subject_enc  BYTEA NOT NULL,
    body_enc     BYTEA NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX referral_replies_referral_idx ON referral_replies (referral_id, received_at);

-- A partner closed now (its hours) or without a referral address is reached by phone: the
-- referral carries a phone task for the counselor until a staff member records the call as
-- the acknowledgement (or the partner acknowledges by itself).
ALTER TABLE referrals
    ADD COLUMN call_reason  TEXT CHECK (call_reason IN ('closed_now', 'no_email')),
    ADD COLUMN call_done_at TIMESTAMPTZ;
CREATE INDEX referrals_open_calls_idx ON referrals (created_at)
    WHERE call_reason IS NOT NULL AND call_done_at IS NULL;
