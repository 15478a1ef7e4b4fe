-- Webhook bodies that arrived while every intake turn was taken (a flood): verified, sealed and
-- committed in one INSERT, answered 200, and read by `channels::inbox` as soon as a turn is
-- free, so a surge is acknowledged at the rate PostgreSQL can store rows, not the rate the node
-- can triage them, and a platform that does not redeliver (LINE without webhook redelivery)
-- loses nothing. A row is deleted once its body has gone through the channel's receive (which
-- is idempotent by event id: a row read twice records nothing twice).
CREATE TABLE webhook_inbox (
    id UUID PRIMARY KEY,
    -- Arrival order: bodies are read oldest first.
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'line')),
    -- A keyed digest of the chat (channel and sender), never the sender itself: one chat's
    -- bodies are read one after another, in order; different chats' at the same time.
    order_key BIGINT NOT NULL,
    -- The raw body, sealed and bound to this row (it holds what the person wrote).
    body_enc BYTEA NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    -- Times a reader took it; a reader that dies leaves it for another after `locked_until`.
    attempts INT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ
);
-- "Is an older body of this chat still here?" for every candidate.
CREATE INDEX webhook_inbox_chat_idx ON webhook_inbox (order_key, seq);
-- The reader takes bodies whose words say danger now first (`urgent`, from the rules' danger
-- check when the body was put), then the oldest: under a flood a locked-in person's message
-- must not wait behind minutes of others.
ALTER TABLE webhook_inbox ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX webhook_inbox_next_idx ON webhook_inbox (urgent DESC, seq);
