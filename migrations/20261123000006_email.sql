-- Email intake and replies: where the mailbox reader has got to, and what threads an email to
-- its case.

-- Per mailbox (folder): the UIDVALIDITY seen and the highest UID recorded. A new UIDVALIDITY
-- means the server renumbered the folder: reading starts again, and the channel-event keys
-- (by Message-ID or content hash) keep already-recorded mail from being recorded twice.
CREATE TABLE email_mailboxes (
    mailbox      TEXT PRIMARY KEY,
    uid_validity BIGINT NOT NULL,
    last_uid     BIGINT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

ALTER TABLE messages
    -- The email's Message-ID (encrypted: some clients put the sender's address in it) and a
    -- keyed hash of it, to find the case a reply belongs to from In-Reply-To / References.
    ADD COLUMN email_message_id_enc  BYTEA,
    ADD COLUMN email_message_id_hash BYTEA,
    -- The subject, and what the sender quoted or signed below the new text (kept, shown
    -- folded, not triaged).
    ADD COLUMN subject_enc           BYTEA,
    ADD COLUMN quoted_enc            BYTEA;
CREATE INDEX messages_email_thread_idx ON messages (email_message_id_hash)
    WHERE email_message_id_hash IS NOT NULL;
