//! Shared by the email adapter's integration tests: where the test mail servers are.
//! scripts/test starts them (scripts/lib/mail.sh start_test_mail_servers) and exports
//! HOTLINE_TEST_IMAP_PORT, HOTLINE_TEST_IMAP_USER, HOTLINE_TEST_IMAP_PASSWORD,
//! HOTLINE_TEST_SMTP_PORT and HOTLINE_TEST_MAIL_DIR. A test skips (with a message) when they
//! are not set, e.g. under a bare `cargo test`.
#![allow(dead_code)] // each test binary uses part of this

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use hotline_email::imap::{ImapSettings, ImapTls};

/// The project-local Dovecot, reading `folder`; None (and a note on stderr) when not started.
pub fn imap_settings(folder: &str) -> Option<ImapSettings> {
    let Ok(port) = std::env::var("HOTLINE_TEST_IMAP_PORT") else {
        eprintln!(
            "skipping: HOTLINE_TEST_IMAP_PORT is not set (scripts/test starts the test mail \
             servers; by hand: . scripts/lib/services.sh; . scripts/lib/mail.sh; \
             start_test_mail_servers)"
        );
        return None;
    };
    Some(ImapSettings {
        host: "127.0.0.1".to_owned(),
        port: port.parse().expect("HOTLINE_TEST_IMAP_PORT is a port"),
        user: std::env::var("HOTLINE_TEST_IMAP_USER").expect("HOTLINE_TEST_IMAP_USER"),
        password: std::env::var("HOTLINE_TEST_IMAP_PASSWORD").expect("HOTLINE_TEST_IMAP_PASSWORD"),
        tls: ImapTls::None,
        folder: folder.to_owned(),
    })
}

/// The SMTP sink's port and directory (messages/<n>.eml, envelopes/<n>.json, fail_next);
/// None (and a note on stderr) when not started.
pub fn smtp_sink() -> Option<(u16, PathBuf)> {
    let (Ok(port), Ok(dir)) = (
        std::env::var("HOTLINE_TEST_SMTP_PORT"),
        std::env::var("HOTLINE_TEST_MAIL_DIR"),
    ) else {
        eprintln!(
            "skipping: HOTLINE_TEST_SMTP_PORT / HOTLINE_TEST_MAIL_DIR are not set (scripts/test \
             starts the test mail servers)"
        );
        return None;
    };
    Some((
        port.parse().expect("HOTLINE_TEST_SMTP_PORT is a port"),
        PathBuf::from(dir),
    ))
}

/// A folder name no other test (or earlier run against the same server) uses.
pub fn unique_folder(name: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "test-{name}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
