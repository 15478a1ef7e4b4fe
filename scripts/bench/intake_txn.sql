-- pgbench: the transaction one phone report commits (src/intake/phone_report.rs), statement for
-- statement, with values of the same sizes (the encrypted fields as random bytes). Run with
-- -M prepared -D user=<a users.id>. The baseline the phone form is compared with.
\set n random(1, 281474976710655)
BEGIN;
INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
  VALUES (:user::uuid, 'pgb-' || (:n::bigint), sha256((:n::bigint)::text::bytea), now()) ON CONFLICT DO NOTHING;
INSERT INTO reporters (id, name_enc, phone_enc, phone_hash, allowed_channels, safe_hours,
                       never_contact_first, no_voicemail, created_at)
  VALUES (('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL,
          decode(repeat(md5(random()::text), 3), 'hex'), sha256((:n::bigint)::text::bytea), '{phone}', '18:00-20:00', false, true, now());
INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                   country, area_enc, urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc,
                   rules_version, urgency_auto_level, waiting_since, awaiting_reply, created_at,
                   updated_at, answers)
  VALUES (('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'PGB-' || (:n::bigint),
          ('00000000-0000-4000-8000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL, 'new', 'phone',
          'relative', 'th', 'TH', decode(repeat(md5(random()::text), 3), 'hex'), 'critical', 3,
          '{documents_seized,confinement}', decode(repeat(md5(random()::text), 26), 'hex'), 'v1', 'critical', now(), TRUE,
          now(), now(), '{"confinement": "yes", "documents_seized": "yes"}')
  ON CONFLICT (reference) DO NOTHING;
INSERT INTO audit_log (actor_id, action, case_id, details, at)
  VALUES (:user::uuid, 'case.opened', ('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          '{"channel": "phone", "level": "critical", "flags": ["documents_seized", "confinement"], "rules_version": "v1", "linked_cases": []}', now());
INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                      kind, author_kind, author_id, version_of, platform_message_id, delivery, at,
                      text_converted_enc, subject_enc, quoted_enc, email_message_id_enc,
                      email_message_id_hash, triage_reading, triage_reading_version)
  VALUES (('00000000-0000-4000-a000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          ('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, NULL, 'inbound', 'phone',
          NULL, decode(repeat(md5(random()::text), 10), 'hex'), 'text', 'reporter', :user::uuid, NULL, NULL, 'received', now(),
          NULL, NULL, NULL, NULL, NULL,
          '{"flags": [{"flag": "confinement", "start": 40, "end": 60}], "circumstances": {}}', 'v1');
UPDATE idempotency_keys SET case_id = ('00000000-0000-4000-9000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid
  WHERE user_id = :user::uuid AND key = 'pgb-' || (:n::bigint);
COMMIT;
