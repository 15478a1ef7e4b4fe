-- What a person typed after /start is theirs: kept sealed (bound to its row), no longer plain.
-- Rows written before keep `source` until `hotline migrate` seals them (it has the key).
ALTER TABLE channel_identities ADD COLUMN source_enc BYTEA;
