//! Downloading a file a reporter sent. Images lose their metadata (EXIF location, camera,
//! time) on the way out: a counselor forwarding a photo must not forward where it was taken.
//! The stored original is kept encrypted, unchanged, as evidence. A file whose metadata cannot
//! be removed (HEIC, video, PDF...) is handed out only to someone who says they were warned.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::CaseError;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, UserId};

/// A file ready to hand to a counselor.
pub struct Download {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Whether the person downloading was told that the file may carry metadata that identifies
/// the reporter (the console's warning; `?acknowledge=metadata` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataWarning {
    Acknowledged,
    NotGiven,
}

#[derive(sqlx::FromRow)]
struct StoredFile {
    content_type: String,
    content_enc: Option<Vec<u8>>,
    case_id: Option<CaseId>,
    metadata_kept: Option<bool>,
}

pub async fn download_attachment(
    db: &PgPool,
    keys: &KeyRing,
    who: UserId,
    id: Uuid,
    purpose: &str,
    warning: MetadataWarning,
    now: DateTime<Utc>,
) -> Result<Download, CaseError> {
    let row: Option<StoredFile> = sqlx::query_as(
        "SELECT a.content_type, a.content_enc, m.case_id, a.metadata_kept FROM attachments a
         JOIN messages m ON m.id = a.message_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(StoredFile {
        content_type,
        content_enc: Some(sealed),
        case_id,
        metadata_kept: marked,
    }) = row
    else {
        return Err(CaseError::NotFound);
    };
    // Stored content never checked counts as kept, as on the case view.
    let marked = marked.unwrap_or(true);
    if marked && warning == MetadataWarning::NotGiven {
        return Err(CaseError::MetadataKept);
    }
    let original = keys
        .open_bytes_bound(
            &sealed,
            &crate::crypto::Binding::new("attachments", "content_enc", id),
        )
        .map_err(|_| CaseError::Undecryptable(case_id.unwrap_or_else(CaseId::new)))?;
    // The bytes decide again: a file marked clean that cannot be cleaned is not handed out
    // without the warning either.
    let (bytes, metadata_kept) = match crate::media::strip_image_metadata(&original) {
        Ok(clean) => (clean, false),
        Err(crate::media::MetadataKept) if warning == MetadataWarning::Acknowledged => {
            (original, true)
        }
        Err(crate::media::MetadataKept) => return Err(CaseError::MetadataKept),
    };
    audit::record(
        db,
        Some(who),
        "attachment.downloaded",
        case_id,
        json!({ "attachment_id": id, "purpose": purpose, "metadata_kept": metadata_kept }),
        now,
    )
    .await?;
    Ok(Download {
        content_type,
        bytes,
    })
}

/// The case a file belongs to, so access can be decided before anything is decrypted.
pub async fn attachment_case(db: &PgPool, id: Uuid) -> Result<Option<CaseId>, sqlx::Error> {
    let row: Option<(CaseId,)> = sqlx::query_as(
        "SELECT m.case_id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(c,)| c))
}
