-- The partner directory (issue 14). Organisations' contact details are not personal data and
-- stay plain; a shelter's street address is confidential and sealed like personal data.
CREATE TABLE partners (
    id                  UUID PRIMARY KEY,
    -- The id the entry has in an imported HSDS directory, so a re-import updates it.
    external_id         TEXT UNIQUE,
    name                TEXT NOT NULL,
    type                TEXT NOT NULL CHECK (type IN ('police', 'prosecutor', 'shelter', 'social_welfare',
                            'labour_inspection', 'embassy', 'health', 'legal_aid', 'ngo', 'inter_agency_team')),
    country             TEXT NOT NULL,
    coverage            JSONB NOT NULL,
    services            TEXT[] NOT NULL DEFAULT '{}',
    languages           TEXT[] NOT NULL DEFAULT '{}',
    hours               JSONB NOT NULL,
    referral_email      TEXT,
    phone               TEXT,
    uses_links          BOOLEAN NOT NULL DEFAULT TRUE,
    street_address_enc  BYTEA,
    verified_at         TIMESTAMPTZ,
    -- The partner's own confirm-or-correct link works once: using it raises this version.
    verify_version      INTEGER NOT NULL DEFAULT 1,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX partners_type_idx ON partners (type) WHERE active;

-- What partners told us was wrong in their entry (through their signed link), for supervisors.
CREATE TABLE partner_corrections (
    id          UUID PRIMARY KEY,
    partner_id  UUID NOT NULL REFERENCES partners (id),
    text        TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
