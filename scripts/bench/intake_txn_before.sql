-- pgbench: the transaction one phone report committed BEFORE the one-statement intake (issue 18),
-- statement for statement, as the bench's request (report.lua: no Idempotency-Key, a call-back
-- number and safe hours) made it: the reporter, its safe-contact rules (an UPDATE and version
-- 1), the case, its answer clock, the audit entry inside a savepoint (`audit::record` begins a
-- nested transaction), the message. Values of the same sizes (encrypted fields as random
-- bytes). Run with -M prepared -D user=<a users.id>. Kept to show, in the same minutes, what
-- folding them into one statement (intake_txn.sql) saves.
\set n random(1, 281474976710655)
BEGIN;
INSERT INTO reporters (id, name_enc, phone_enc, phone_hash, created_at)
  VALUES (('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL,
          decode(repeat(md5(random()::text), 3), 'hex'), sha256((:n::bigint)::text::bytea), now());
UPDATE reporters SET allowed_channels = '{phone}', never_contact_first = false, no_voicemail = true,
                     safe_hours = NULL, safe_contact_enc = decode(repeat(md5(random()::text), 20), 'hex'),
                     safe_contact_version = safe_contact_version + 1,
                     safe_contact_updated_at = now(), safe_contact_updated_by = :user::uuid,
                     safe_contact_source = 'phone_form'
  WHERE id = ('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid RETURNING safe_contact_version;
INSERT INTO safe_contact_versions (reporter_id, version, rules_enc, source, recorded_by, recorded_at)
  VALUES (('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 1,
          decode(repeat(md5(random()::text), 20), 'hex'), 'phone_form', :user::uuid, now());
INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                   country, area_enc, urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc,
                   rules_version, urgency_auto_level, waiting_since, awaiting_reply, created_at,
                   updated_at, answers)
  VALUES (('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'PGB-' || (:n::bigint),
          ('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL, 'new', 'phone',
          'relative', 'th', 'TH', decode(repeat(md5(random()::text), 3), 'hex'), 'high', 2,
          '{documents_seized}', decode(repeat(md5(random()::text), 26), 'hex'), 'v1', 'high', now(), TRUE,
          now(), now(), '{"minor": "no", "documents_seized": "yes"}')
  ON CONFLICT (reference) DO NOTHING;
INSERT INTO answer_clocks (case_id, channel, started_by, started_at, claimed_at, stopped_by, stopped_at,
                           answered_by, level, answer_seconds)
  VALUES (('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'phone', 'phone_form',
          now(), now(), 'phone_form', now(), :user::uuid, 'high', 0);
SAVEPOINT audit;
INSERT INTO audit_log (actor_id, action, case_id, details, at)
  VALUES (:user::uuid, 'case.opened', ('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          '{"channel": "phone", "level": "high", "flags": ["documents_seized"], "rules_version": "v1", "linked_cases": []}', now());
RELEASE SAVEPOINT audit;
INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                      kind, author_kind, author_id, version_of, platform_message_id, delivery, at,
                      text_converted_enc, subject_enc, quoted_enc, email_message_id_enc,
                      email_message_id_hash, triage_reading, triage_reading_version)
  VALUES (('00000000-0000-4000-a000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          ('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL, 'inbound', 'phone',
          NULL, decode(repeat(md5(random()::text), 7), 'hex'), 'text', 'reporter', :user::uuid, NULL, NULL, 'received', now(),
          NULL, NULL, NULL, NULL, NULL,
          '{"flags": [{"flag": "documents_seized", "start": 40, "end": 60}], "circumstances": {}}', 'v1/reading-2');
COMMIT;
