-- pgbench: the transaction one Telegram update from a new chat commits (src/intake/channel_message.rs,
-- `record_channel_message`), statement for statement as the webhook runs it for telegram.lua's
-- update (captured with sqlx's statement log, 2026-12-06): lock the identity (none yet), the new
-- reporter and identity in one statement, the event's key, presence, the surge switch, the open
-- case (none), the new case, earlier bot messages joined to it, its answer clock, the audit
-- entry, the message, the case's flags, the language learned, the conversation, the bot's
-- three replies in one INSERT, their send job. Values of the same sizes (encrypted fields as
-- random bytes; the buttons' "safe:yes" data as "safe_yes": pgbench reads ":yes" as a variable). The baseline the
-- Telegram webhook is compared with.
\set n random(1, 281474976710655)
BEGIN;
SELECT id, reporter_id, conversation, blocked_at IS NOT NULL, unreachable_at IS NOT NULL
  FROM channel_identities WHERE channel = 'telegram' AND external_id_hash = ANY(ARRAY[sha256(('tg' || (:n::bigint))::bytea)]) FOR UPDATE;
WITH reporter AS (
    INSERT INTO reporters (id, allowed_channels, created_at)
    VALUES (('00000000-0000-4000-b000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, ARRAY['telegram'], now())
)
INSERT INTO channel_identities (id, reporter_id, channel, external_id_hash, external_id_enc, created_at)
  VALUES (('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          ('00000000-0000-4000-b000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'telegram',
          sha256(('tg' || (:n::bigint))::bytea), decode(repeat(md5(random()::text), 3), 'hex'), now())
  ON CONFLICT (channel, external_id_hash) DO NOTHING
  RETURNING id, reporter_id, conversation, blocked_at IS NOT NULL, unreachable_at IS NOT NULL;
INSERT INTO channel_events (channel, event_id, identity_id, received_at)
  VALUES ('telegram', 'pgb-' || (:n::bigint), ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, now())
  ON CONFLICT DO NOTHING;
UPDATE channel_identities SET last_inbound_at = now(), unreachable_at = NULL
  WHERE id = ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid;
SELECT s.surge_on AS on, s.automatic, s.reason, u.email AS switched_by, s.arrivals_per_hour, s.at
  FROM surge_switches s LEFT JOIN users u ON u.id = s.switched_by ORDER BY s.at DESC, s.seq DESC LIMIT 1;
SELECT id, urgency_rank, country FROM cases
  WHERE channel_identity_id = ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid AND status <> 'closed'
  ORDER BY created_at DESC LIMIT 1 FOR UPDATE;
INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                   country, area_enc, urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc,
                   rules_version, urgency_auto_level, waiting_since, awaiting_reply, created_at,
                   updated_at, answers)
  VALUES (('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'PGT-' || (:n::bigint),
          ('00000000-0000-4000-b000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'new', 'telegram',
          'anonymous', 'th', NULL, NULL, 'critical', 3, '{confinement}', decode(repeat(md5(random()::text), 16), 'hex'),
          '2026-12-06.frame-2', 'critical', now(), TRUE, now(), now(), '{}')
  ON CONFLICT (reference) DO NOTHING;
UPDATE messages SET case_id = ('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid
  WHERE channel_identity_id = ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid AND case_id IS NULL;
INSERT INTO answer_clocks (case_id, channel, started_by, started_at)
  VALUES (('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'telegram', 'first_contact', now())
  ON CONFLICT (case_id) WHERE stopped_at IS NULL DO NOTHING;
INSERT INTO audit_log (actor_id, action, case_id, details, at)
  VALUES (NULL, 'case.opened', ('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          '{"flags": ["confinement"], "level": "critical", "channel": "telegram", "rules_version": "2026-12-06.frame-2"}', now());
INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                      kind, author_kind, author_id, version_of, platform_message_id, delivery, at,
                      text_converted_enc, subject_enc, quoted_enc, email_message_id_enc,
                      email_message_id_hash, triage_reading, triage_reading_version)
  VALUES (('00000000-0000-4000-e000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          ('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
          ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'inbound', 'telegram',
          'pgb-' || (:n::bigint), decode(repeat(md5(random()::text), 9), 'hex'), 'text', 'reporter', NULL, NULL, '1',
          'received', now(), NULL, NULL, NULL, NULL, NULL,
          '{"cues": [{"end": 8, "flag": "danger_now", "start": 0}, {"end": 8, "flag": "distress", "start": 0}], "hits": [{"end": 35, "flag": "confinement", "start": 21}], "past": false, "chars": 35, "safe_now": false, "suspicion": false, "danger_now": true, "not_a_case": false, "resemblance": {"score": 0.49, "closest": ["lox-007", "th-001", "th-160"], "reads_as": "critical"}}',
          '2026-12-06.frame-2/reading-2/net-08a09f5e64e77737');
SELECT urgency_flags FROM cases WHERE id = ('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid;
UPDATE cases SET language = 'th' WHERE id = ('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid;
UPDATE channel_identities SET language = COALESCE('th', language),
    conversation = '{"step": "asked_safe_to_talk", "told": true, "language": "th", "about_self": false, "surge_told": false, "never_first": false, "danger_shown": true, "forget_asked": false, "not_safe_now": false, "numbers_shown": true}'
  WHERE id = ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid;
INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, text_enc, kind,
                      author_kind, author_id, choices, request_contact, delivery, at)
  SELECT m.id, ('00000000-0000-4000-d000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid,
         ('00000000-0000-4000-c000-' || lpad(to_hex((:n::bigint)), 12, '0'))::uuid, 'outbound', 'telegram',
         m.text_enc, 'text', 'bot', NULL, m.choices, m.request_contact, 'pending', now()
  FROM unnest(ARRAY[gen_random_uuid(), gen_random_uuid(), gen_random_uuid()],
              ARRAY[decode(repeat(md5(random()::text), 40), 'hex'), decode(repeat(md5(random()::text), 50), 'hex'),
                    decode(repeat(md5(random()::text), 10), 'hex')],
              ARRAY[NULL, NULL, '[[{"data": "safe_yes", "label": "ได้ ตอนนี้พิมพ์ได้"}], [{"data": "safe_no", "label": "ไม่ได้ ไม่ใช่ตอนนี้"}], [{"data": "stop", "label": "หยุด"}]]']::jsonb[],
              ARRAY[NULL, NULL, NULL]::text[])
       WITH ORDINALITY AS m(id, text_enc, choices, request_contact, ord)
  ORDER BY m.ord;
INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at)
  VALUES ('send_messages', jsonb_build_object('message_ids', jsonb_build_array(gen_random_uuid(), gen_random_uuid(), gen_random_uuid())),
          'send-pgb-' || (:n::bigint), now(), now())
  ON CONFLICT (dedupe_key) DO NOTHING;
COMMIT;
