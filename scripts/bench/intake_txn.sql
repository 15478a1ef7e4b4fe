-- pgbench: the transaction one phone report commits (src/intake/phone_report.rs, INSERT_REPORT),
-- statement for statement, as the bench's request (report.lua: no Idempotency-Key, a call-back
-- number and safe hours) makes it: one statement in autocommit (since run 6; before, BEGIN and
-- COMMIT around it) writing the reporter with its first safe-contact rules, version 1 of the
-- rules, the case, its answer clock, the audit entry, the message (no links, no key: the
-- request has none). Values of the same sizes (encrypted
-- fields as random bytes). Run with -M prepared -D user=<a users.id>. The baseline the phone
-- form is compared with; intake_txn_before.sql is the thirteen-statement transaction it replaced.
\set n random(1, 281474976710655)
WITH reporter AS (
    INSERT INTO reporters (id, name_enc, phone_enc, phone_hash, created_at, allowed_channels,
                           never_contact_first, no_voicemail, safe_hours, safe_contact_enc,
                           safe_contact_version, safe_contact_updated_at, safe_contact_updated_by,
                           safe_contact_source)
    VALUES (('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL,
            decode(repeat(md5(random()::text), 3), 'hex'), sha256((:n::bigint)::text::bytea), now(), '{phone}',
            false, true, NULL, decode(repeat(md5(random()::text), 20), 'hex'), 1, now(), :user::uuid, 'phone_form')
    ON CONFLICT (id) DO NOTHING
), rules_version AS (
    INSERT INTO safe_contact_versions (reporter_id, version, rules_enc, source, recorded_by, recorded_at)
    VALUES (('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 1,
            decode(repeat(md5(random()::text), 20), 'hex'), 'phone_form', :user::uuid, now())
    ON CONFLICT (reporter_id, version) DO NOTHING
), new_case AS (
    INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                       country, area_enc, urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc,
                       rules_version, urgency_auto_level, waiting_since, awaiting_reply, created_at,
                       updated_at, answers)
    VALUES (('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'PGB-' || (:n::bigint),
            ('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL, 'new', 'phone',
            'relative', 'th', 'TH', decode(repeat(md5(random()::text), 3), 'hex'), 'high', 2,
            '{documents_seized}', decode(repeat(md5(random()::text), 26), 'hex'), 'v1', 'high', now(), TRUE,
            now(), now(), '{"minor": "no", "documents_seized": "yes"}')
    ON CONFLICT (reference) DO NOTHING
    RETURNING id
), clock AS (
    INSERT INTO answer_clocks (case_id, channel, started_by, started_at, claimed_at,
                               stopped_by, stopped_at, answered_by, level, answer_seconds)
    SELECT id, 'phone', 'phone_form', now(), now(), 'phone_form', now(), :user::uuid, 'high', 0 FROM new_case
), opened AS (
    INSERT INTO audit_log (actor_id, action, case_id, details, at)
    SELECT :user::uuid, 'case.opened', id,
           '{"channel": "phone", "level": "high", "flags": ["documents_seized"], "rules_version": "v1", "linked_cases": []}',
           now()
    FROM new_case
), narrative AS (
    INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                          kind, author_kind, author_id, version_of, platform_message_id, delivery, at,
                          text_converted_enc, subject_enc, quoted_enc, email_message_id_enc,
                          email_message_id_hash, triage_reading, triage_reading_version)
    SELECT ('00000000-0000-4000-a000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, id, NULL, 'inbound', 'phone',
           NULL, decode(repeat(md5(random()::text), 7), 'hex'), 'text', 'reporter', :user::uuid, NULL, NULL,
           'received', now(), NULL, NULL, NULL, NULL, NULL,
           '{"flags": [{"flag": "documents_seized", "start": 40, "end": 60}], "circumstances": {}}', 'v1/reading-2'
    FROM new_case
), links AS (
    INSERT INTO case_links (case_id, linked_case_id, linked_by, at)
    SELECT n.id, l.id, :user::uuid, now() FROM new_case n, unnest('{}'::uuid[]) AS l (id)
    UNION ALL
    SELECT l.id, n.id, :user::uuid, now() FROM new_case n, unnest('{}'::uuid[]) AS l (id)
    ON CONFLICT DO NOTHING
), key_case AS (
    UPDATE idempotency_keys k SET case_id = n.id FROM new_case n
    WHERE NULL::text IS NOT NULL AND k.user_id = :user::uuid AND k.key = NULL::text
)
SELECT count(*) FROM new_case;
