-- The shared model every channel writes into. Personal fields are `*_enc` (AEAD ciphertext with
-- its key id) and, where exact lookup is needed, `*_hash` (keyed HMAC), never plaintext.

CREATE TABLE reporters (
    id                   UUID PRIMARY KEY,
    name_enc             BYTEA,
    phone_enc            BYTEA,
    phone_hash           BYTEA,
    -- SafeContact: how and when the hotline may contact this person first.
    allowed_channels     TEXT[] NOT NULL DEFAULT '{}',
    safe_hours           TEXT,
    never_contact_first  BOOLEAN NOT NULL DEFAULT FALSE,
    no_voicemail         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX reporters_phone_hash_idx ON reporters (phone_hash) WHERE phone_hash IS NOT NULL;

-- One row per (channel, external id) a reporter wrote from: a Telegram chat, a LINE user, an email.
CREATE TABLE channel_identities (
    id               UUID PRIMARY KEY,
    reporter_id      UUID NOT NULL REFERENCES reporters (id),
    channel          TEXT NOT NULL,
    external_id_hash BYTEA NOT NULL,
    external_id_enc  BYTEA NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (channel, external_id_hash)
);

CREATE TABLE cases (
    id                UUID PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE,
    reporter_id       UUID NOT NULL REFERENCES reporters (id),
    status            TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting', 'referred', 'closed')),
    closing_reason    TEXT,
    channel           TEXT NOT NULL,
    caller            TEXT NOT NULL,
    language          TEXT,
    country           TEXT,
    area_enc          BYTEA,
    -- Urgency: the level and flags are plain so the queue can sort and filter on them; the
    -- reasons quote what the reporter said, so they are encrypted.
    urgency_level     TEXT NOT NULL CHECK (urgency_level IN ('critical', 'high', 'medium', 'low')),
    urgency_rank      SMALLINT NOT NULL,
    urgency_flags     TEXT[] NOT NULL DEFAULT '{}',
    urgency_reasons_enc BYTEA NOT NULL,
    rules_version     TEXT NOT NULL,
    -- When the case last started waiting for a counselor (creation, or an unanswered inbound).
    waiting_since     TIMESTAMPTZ NOT NULL,
    awaiting_reply    BOOLEAN NOT NULL DEFAULT TRUE,
    holder_id         UUID REFERENCES users (id),
    lease_expires_at  TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_queue_idx ON cases (urgency_rank DESC, waiting_since)
    WHERE status IN ('new', 'in_progress', 'waiting');
CREATE INDEX cases_reporter_idx ON cases (reporter_id);

-- Channel-neutral messages. `external_event_id` makes every inbound event idempotent.
CREATE TABLE messages (
    id                 UUID PRIMARY KEY,
    case_id            UUID NOT NULL REFERENCES cases (id),
    direction          TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    channel            TEXT NOT NULL,
    external_event_id  TEXT,
    text_enc           BYTEA,
    author_id          UUID REFERENCES users (id),
    delivery           TEXT NOT NULL CHECK (delivery IN ('received', 'pending', 'sent', 'delivered', 'failed')),
    at                 TIMESTAMPTZ NOT NULL,
    UNIQUE (channel, external_event_id)
);
CREATE INDEX messages_case_idx ON messages (case_id, at);

CREATE TABLE attachments (
    id            UUID PRIMARY KEY,
    message_id    UUID NOT NULL REFERENCES messages (id),
    content_type  TEXT NOT NULL,
    byte_size     BIGINT NOT NULL,
    sha256        BYTEA NOT NULL,
    -- Encrypted file name and content; `content_enc` may stay NULL while only metadata is known.
    file_name_enc BYTEA,
    content_enc   BYTEA,
    external_ref_enc BYTEA,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE notes (
    id         UUID PRIMARY KEY,
    case_id    UUID NOT NULL REFERENCES cases (id),
    author_id  UUID NOT NULL REFERENCES users (id),
    text_enc   BYTEA NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX notes_case_idx ON notes (case_id, at);

-- A counselor's decision that two cases concern the same person (never made automatically).
CREATE TABLE case_links (
    case_id        UUID NOT NULL REFERENCES cases (id),
    linked_case_id UUID NOT NULL REFERENCES cases (id),
    linked_by      UUID NOT NULL REFERENCES users (id),
    at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, linked_case_id)
);

-- Replays of POST /api/v1/reports with the same Idempotency-Key. Only ids are kept: the
-- response is rebuilt from the case, so no personal data sits here in clear.
CREATE TABLE idempotency_keys (
    user_id          UUID NOT NULL REFERENCES users (id),
    key              TEXT NOT NULL,
    request_hash     BYTEA NOT NULL,
    case_id          UUID REFERENCES cases (id),
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);
