-- Sessions and tokens (issue 17): "sign out everywhere" ends every console session started
-- before this moment; API tokens run out.
ALTER TABLE users ADD COLUMN sessions_valid_after TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
