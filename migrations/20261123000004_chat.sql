-- Chat intake (Telegram now, LINE next): conversation state per channel identity, every inbound
-- event recorded once, bot and counselor messages with delivery state, and quick answers on the
-- case.

-- The conversation with one chat lives with its channel identity: a chat reporter has exactly
-- one, and rows are locked FOR UPDATE while a message is handled, so two deliveries from the
-- same chat never interleave.
ALTER TABLE channel_identities
    ADD COLUMN conversation     JSONB NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN language         TEXT,
    -- Deep-link parameter or campaign the person came from (not personal).
    ADD COLUMN source           TEXT,
    ADD COLUMN last_inbound_at  TIMESTAMPTZ,
    -- A supervisor blocked this chat: its messages are stored, never answered.
    ADD COLUMN blocked_at       TIMESTAMPTZ,
    ADD COLUMN blocked_by       UUID REFERENCES users (id),
    -- The person blocked the bot or left (LINE unfollow, Telegram 403): nothing more is sent.
    ADD COLUMN unreachable_at   TIMESTAMPTZ;

-- Every inbound event a channel delivered, once. The primary key is the idempotency truth; it
-- covers events that carry no content (a /start, a language button) and so have no message row.
CREATE TABLE channel_events (
    channel      TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    identity_id  UUID REFERENCES channel_identities (id),
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, event_id)
);

-- Bodies a channel sent that could not be read (a newer update type, a broken payload): kept,
-- encrypted, for a person to review, and answered 200 so the platform does not retry forever.
CREATE TABLE unreadable_events (
    id           UUID PRIMARY KEY,
    channel      TEXT NOT NULL,
    event_key    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    body_enc     BYTEA NOT NULL,
    needs_review BOOLEAN NOT NULL DEFAULT TRUE,
    received_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (channel, event_key)
);

-- The chat a case talks on (NULL for phone cases).
ALTER TABLE cases
    ADD COLUMN channel_identity_id UUID REFERENCES channel_identities (id),
    -- Quick answers (yes/no/unknown by rubric flag), from the phone form or the chat's buttons.
    ADD COLUMN answers JSONB NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX cases_identity_idx ON cases (channel_identity_id, created_at)
    WHERE channel_identity_id IS NOT NULL;

-- Messages may exist before their case: the bot greets a chat before the person has said
-- anything; the greeting joins the case when it opens.
ALTER TABLE messages
    ALTER COLUMN case_id DROP NOT NULL,
    ADD COLUMN channel_identity_id UUID REFERENCES channel_identities (id),
    -- text, start, choice, contact, location, attachment, edit, unsupported
    ADD COLUMN kind                TEXT NOT NULL DEFAULT 'text',
    -- reporter, counselor, bot
    ADD COLUMN author_kind         TEXT NOT NULL DEFAULT 'reporter',
    -- An edit is a new version of an earlier message.
    ADD COLUMN version_of          UUID REFERENCES messages (id),
    ADD COLUMN platform_message_id TEXT,
    -- Buttons offered with an outbound message (labels only, not personal).
    ADD COLUMN choices             JSONB,
    ADD COLUMN request_contact     TEXT,
    ADD COLUMN delivery_error      TEXT,
    ADD COLUMN sent_at             TIMESTAMPTZ,
    -- Arrival order, for messages that share a timestamp (a bot's replies to one message).
    ADD COLUMN seq                 BIGSERIAL;
ALTER TABLE messages ADD CONSTRAINT messages_owner_check
    CHECK (case_id IS NOT NULL OR channel_identity_id IS NOT NULL);
CREATE INDEX messages_identity_idx ON messages (channel_identity_id, at)
    WHERE channel_identity_id IS NOT NULL;

-- Chat attachments are recorded by the platform's reference before (or without) fetching the
-- content, so there is no content hash yet.
ALTER TABLE attachments ALTER COLUMN sha256 DROP NOT NULL,
                        ALTER COLUMN byte_size DROP NOT NULL;
