-- Whether a file's metadata (where a photo was taken, the device that made it) could not be
-- removed: a HEIC photo, a video, a PDF, anything but a JPEG, PNG or WebP image we can read.
-- Such a file is marked on the case and handed out only after a warning. Set at intake from the
-- file's bytes; NULL when no content is stored. Rows stored before this column are guessed from
-- the declared type here, and the download checks the bytes again whatever the flag says.
ALTER TABLE attachments ADD COLUMN metadata_kept BOOLEAN;
UPDATE attachments SET metadata_kept = content_type NOT IN ('image/jpeg', 'image/png', 'image/webp')
 WHERE content_enc IS NOT NULL;
