-- pgbench: one single-row INSERT committed, the floor every intake is compared with.
INSERT INTO bench_single (id, at, body) VALUES (gen_random_uuid(), now(), decode(repeat(md5(random()::text), 12), 'hex'));
