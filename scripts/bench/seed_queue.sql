-- A queue of :n cases for claim benchmarks and plan checks (psql -v n=100000 -v open_share=1
-- -v reasons=HEX): ranks, waiting times (some past their answer targets), languages and
-- statuses mixed; the share :open_share of them open. Not personal data: the encrypted triage
-- reasons are one real case's, copied (hex in :reasons, sealed with the running key, so the
-- case view can open them).
INSERT INTO reporters (id, created_at)
VALUES ('00000000-0000-4000-8000-000000000001', now()) ON CONFLICT DO NOTHING;
INSERT INTO cases (id, reference, reporter_id, status, channel, caller, language, urgency_level,
                   urgency_rank, urgency_reasons_enc, rules_version, waiting_since,
                   awaiting_reply, created_at, updated_at)
SELECT gen_random_uuid(), 'SEED-' || g || '-' || floor(random() * 1e9)::bigint,
       '00000000-0000-4000-8000-000000000001',
       CASE WHEN random() < :open_share THEN (ARRAY['new', 'new', 'in_progress', 'waiting'])[1 + g % 4]
            ELSE 'closed' END,
       'phone', 'relative',
       (ARRAY['th', 'my-MM', 'km', 'lo', 'vi', NULL])[1 + g % 6],
       (ARRAY['low', 'medium', 'high', 'critical'])[1 + (g / 7) % 4], (g / 7) % 4,
       decode(:'reasons', 'hex'), 'seed',
       now() - (random() * interval '48 hours'), TRUE,
       now() - interval '49 hours', now()
FROM generate_series(1, :n) AS g;
ANALYZE cases;
