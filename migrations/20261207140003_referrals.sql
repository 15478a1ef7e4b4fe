-- Consent, referrals and their delivery (issue 14).

-- Who agreed (or refused) to what: per partner or per partner type. The purpose is free text
-- and sealed.
CREATE TABLE consents (
    id            UUID PRIMARY KEY,
    case_id       UUID NOT NULL REFERENCES cases (id),
    partner_id    UUID REFERENCES partners (id),
    partner_type  TEXT,
    given_by      TEXT NOT NULL CHECK (given_by IN ('person', 'parent', 'guardian')),
    how           TEXT NOT NULL CHECK (how IN ('phone', 'chat', 'in_person')),
    purpose_enc   BYTEA NOT NULL,
    granted       BOOLEAN NOT NULL,
    recorded_by   UUID NOT NULL REFERENCES users (id),
    at            TIMESTAMPTZ NOT NULL,
    CHECK (partner_id IS NOT NULL OR partner_type IS NOT NULL)
);
CREATE INDEX consents_case_idx ON consents (case_id, at);

-- One referral of a case to one partner. Status follows HL7 FHIR Task (a subset).
CREATE TABLE referrals (
    id                 UUID PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    case_id            UUID NOT NULL REFERENCES cases (id),
    partner_id         UUID NOT NULL REFERENCES partners (id),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'requested', 'received', 'accepted',
                           'rejected', 'completed', 'cancelled', 'failed')),
    urgency_level      TEXT NOT NULL,
    consent_id         UUID REFERENCES consents (id),
    override_reason    TEXT CHECK (override_reason IN ('minor_at_risk', 'imminent_danger', 'legal_duty')),
    override_text_enc  BYTEA,
    -- Exactly what the partner sees (sealed): fixed when the referral is sent.
    packet_enc         BYTEA NOT NULL,
    decline_reason_enc BYTEA,
    outcome            TEXT,
    outcome_note_enc   BYTEA,
    -- The partner link: expires, and is revoked by raising the version the token carries.
    link_expires_at    TIMESTAMPTZ NOT NULL,
    link_version       INTEGER NOT NULL DEFAULT 1,
    link_revoked_at    TIMESTAMPTZ,
    escalated_at       TIMESTAMPTZ,
    created_by         UUID NOT NULL REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX referrals_case_idx ON referrals (case_id, created_at);
CREATE INDEX referrals_waiting_idx ON referrals (created_at) WHERE status = 'requested';

-- Every step of a referral: the status it reached, when, and who set it (a staff member, or
-- the partner through the link, or the system).
CREATE TABLE referral_steps (
    id           BIGSERIAL PRIMARY KEY,
    referral_id  UUID NOT NULL REFERENCES referrals (id),
    status       TEXT NOT NULL,
    by_user      UUID REFERENCES users (id),
    by_kind      TEXT NOT NULL CHECK (by_kind IN ('staff', 'partner', 'system')),
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX referral_steps_idx ON referral_steps (referral_id, at);

-- The referral email, in the outbox: written with the referral, sent by the
-- `send_referral_email` job. It holds no personal data (reference, request, link).
-- A partner's request to confirm its directory entry uses the same outbox (partner_id set,
-- referral_id empty).
CREATE TABLE referral_emails (
    id           UUID PRIMARY KEY,
    referral_id  UUID REFERENCES referrals (id),
    partner_id   UUID REFERENCES partners (id),
    to_address   TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body_enc     BYTEA NOT NULL,
    message_id   TEXT NOT NULL,
    delivery     TEXT NOT NULL CHECK (delivery IN ('pending', 'sent', 'failed')),
    last_error   TEXT,
    sent_at      TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);

-- Unacknowledged referrals past their target, for supervisors, with the next partner to try.
CREATE TABLE referral_escalations (
    id                    UUID PRIMARY KEY,
    referral_id           UUID NOT NULL UNIQUE REFERENCES referrals (id),
    next_partner_id       UUID REFERENCES partners (id),
    at                    TIMESTAMPTZ NOT NULL,
    resolved_at           TIMESTAMPTZ
);
