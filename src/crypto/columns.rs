//! Every encrypted column and every keyed lookup hash in the database, for re-encryption after
//! a key rotation and for `hotline keys status`. A test fails when a `BYTEA` column ending in
//! `_enc` or `_hash` is added to the schema without a row here.

/// An encrypted column.
#[derive(Debug, Clone, Copy)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// The row's primary key, walked in order for batching and matched for the update.
    pub key: RowKey,
    /// The UUID column the ciphertext is bound to (associated data), or `None` for the few
    /// tables whose rows have no id of their own (still re-sealed under the current key).
    pub bound_to: Option<&'static str>,
}

/// A keyed lookup hash, recomputed from the sealed value it indexes.
#[derive(Debug, Clone, Copy)]
pub struct HashColumn {
    pub table: &'static str,
    pub column: &'static str,
    pub key: RowKey,
    /// The sealed column holding the value the hash is of.
    pub source: &'static str,
    /// An SQL expression giving the hash's purpose label (see `KeyRing::index_hash`).
    pub purpose: &'static str,
    /// How the value is normalised before hashing (as the code that writes it does).
    pub normalise: fn(&str) -> &str,
}

/// The columns of a table's primary key with their SQL types. The re-encryption walks rows in
/// this order and updates each by it, both through the primary key's index: a key written as
/// one text expression (`id::text`) matched no index, so every batch sorted the whole table and
/// every single-row update scanned it, O(n²) after a rotation (issue 18: 6 ms an update at
/// 10,000 cases, rising with the table).
#[derive(Debug, Clone, Copy)]
pub struct RowKey(pub &'static [(&'static str, &'static str)]);

const ID: RowKey = RowKey(&[("id", "uuid")]);
const CALL_EVENT: RowKey = RowKey(&[("pbx", "text"), ("call_id", "text"), ("outcome", "text")]);

impl RowKey {
    /// `id` or `pbx, call_id, outcome`: the columns, for a row comparison and `ORDER BY`.
    pub fn columns(&self) -> String {
        self.0
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The key's values as a `text[]` (what a batch remembers to resume after).
    pub fn as_text_array(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(|(c, _)| format!("{c}::text")).collect();
        format!("ARRAY[{}]", parts.join(", "))
    }

    /// The key from the `text[]` parameter `$n`, each value back in its column's type, so the
    /// comparison with `columns()` can use the primary key's index.
    pub fn from_param(&self, n: u8) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| format!("(${n}::text[])[{}]::{ty}", i + 1))
            .collect();
        parts.join(", ")
    }
}

const fn bound(table: &'static str, column: &'static str) -> SealedColumn {
    SealedColumn {
        table,
        column,
        key: ID,
        bound_to: Some("id"),
    }
}

/// The binding of a sealed column's value in the row with id `row`.
pub fn binding(
    table: &'static str,
    column: &'static str,
    row: uuid::Uuid,
) -> super::Binding<'static> {
    super::Binding::new(table, column, row)
}

fn same(value: &str) -> &str {
    value
}

pub const SEALED: &[SealedColumn] = &[
    bound("attachments", "content_enc"),
    bound("attachments", "external_ref_enc"),
    bound("attachments", "file_name_enc"),
    bound("break_glass", "text_enc"),
    SealedColumn {
        table: "legal_holds",
        column: "reason_enc",
        key: RowKey(&[("case_id", "uuid")]),
        bound_to: Some("case_id"),
    },
    bound("platform_deletions", "chat_enc"),
    bound("referral_replies", "subject_enc"),
    bound("referral_replies", "body_enc"),
    SealedColumn {
        table: "call_events",
        column: "caller_enc",
        key: CALL_EVENT,
        bound_to: None,
    },
    SealedColumn {
        table: "call_events",
        column: "recording_enc",
        key: CALL_EVENT,
        bound_to: None,
    },
    bound("callback_attempts", "note_enc"),
    bound("callbacks", "phone_enc"),
    bound("callbacks", "reason_enc"),
    SealedColumn {
        table: "case_records",
        column: "record_enc",
        key: RowKey(&[("case_id", "uuid")]),
        bound_to: Some("case_id"),
    },
    bound("cases", "area_enc"),
    bound("cases", "urgency_override_reason_enc"),
    bound("cases", "urgency_reasons_enc"),
    bound("channel_identities", "external_id_enc"),
    bound("channel_identities", "source_enc"),
    bound("consents", "purpose_enc"),
    bound("messages", "email_message_id_enc"),
    bound("messages", "quoted_enc"),
    bound("messages", "subject_enc"),
    bound("messages", "text_converted_enc"),
    bound("messages", "text_enc"),
    bound("notes", "text_enc"),
    bound("partners", "street_address_enc"),
    bound("referral_emails", "body_enc"),
    bound("referrals", "decline_reason_enc"),
    bound("referrals", "outcome_note_enc"),
    bound("referrals", "override_text_enc"),
    bound("referrals", "packet_enc"),
    bound("reporters", "name_enc"),
    bound("reporters", "phone_enc"),
    bound("reporters", "safe_contact_enc"),
    SealedColumn {
        table: "safe_contact_versions",
        column: "rules_enc",
        key: RowKey(&[("reporter_id", "uuid"), ("version", "int4")]),
        // One person's rule versions share a binding: a copy between two of them gives
        // nobody else's data.
        bound_to: Some("reporter_id"),
    },
    // Staff TOTP seeds (auth::second_factor), bound to the user's id.
    SealedColumn {
        table: "staff_totp",
        column: "pending_secret",
        key: RowKey(&[("user_id", "uuid")]),
        bound_to: Some("user_id"),
    },
    SealedColumn {
        table: "staff_totp",
        column: "secret",
        key: RowKey(&[("user_id", "uuid")]),
        bound_to: Some("user_id"),
    },
    bound("unreadable_events", "body_enc"),
    bound("webhook_inbox", "body_enc"),
];

pub const HASHES: &[HashColumn] = &[
    HashColumn {
        table: "reporters",
        column: "phone_hash",
        key: ID,
        source: "phone_enc",
        purpose: "'phone'",
        normalise: same,
    },
    HashColumn {
        table: "channel_identities",
        column: "external_id_hash",
        key: ID,
        source: "external_id_enc",
        purpose: "'chat:' || channel",
        normalise: same,
    },
    HashColumn {
        table: "messages",
        column: "email_message_id_hash",
        key: ID,
        source: "email_message_id_enc",
        purpose: "'email-message-id'",
        normalise: crate::intake::email::normal_message_id,
    },
    HashColumn {
        table: "call_events",
        column: "caller_hash",
        key: CALL_EVENT,
        source: "caller_enc",
        purpose: "'phone'",
        normalise: same,
    },
];

/// The sealed column `table.column`.
pub fn sealed(table: &str, column: &str) -> Option<&'static SealedColumn> {
    SEALED
        .iter()
        .find(|c| c.table == table && c.column == column)
}
