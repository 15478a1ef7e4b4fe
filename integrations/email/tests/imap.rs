//! The mailbox reader against the real project-local Dovecot (scripts/lib/mail.sh). Each test
//! works in a folder of its own, so tests run in parallel and against a server that earlier
//! runs used.

mod support;

use std::time::{Duration, Instant};

use hotline_email::imap::{IdleOutcome, ImapError, ImapSettings, ImapTls, MailboxReader};

fn message(n: u32, body: &str) -> Vec<u8> {
    format!(
        "From: =?UTF-8?B?4Lih4Liy4Lil4Li1?= <reporter{n}@example.org>\r\n\
         To: hotline@example.org\r\n\
         Subject: report {n}\r\n\
         Date: Mon, 3 Nov 2025 10:0{n}:00 +0700\r\n\
         Message-ID: <report-{n}@example.org>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         {body}\r\n\
         line with trailing spaces   \r\n\
         .\r\n\
         ..leading dots\r\n"
    )
    .into_bytes()
}

async fn connect(settings: &ImapSettings) -> MailboxReader {
    MailboxReader::connect(settings)
        .await
        .expect("connect to the test Dovecot")
}

/// A fresh folder holding `messages`, and a reader with it selected.
async fn folder_with(name: &str, messages: &[Vec<u8>]) -> Option<(ImapSettings, MailboxReader)> {
    let settings = support::imap_settings(&support::unique_folder(name))?;
    let mut reader = connect(&settings).await;
    reader
        .create_folder(&settings.folder)
        .await
        .expect("create");
    for raw in messages {
        reader
            .append(&settings.folder, raw, &[])
            .await
            .expect("append");
    }
    reader.select().await.expect("select");
    Some((settings, reader))
}

/// From a connection that has not selected it: Dovecot drops connections whose selected
/// folder is deleted.
async fn delete_folder(settings: &ImapSettings) {
    let mut admin = connect(settings).await;
    admin
        .delete_folder(&settings.folder)
        .await
        .expect("delete folder");
    admin.logout().await.expect("logout");
}

#[tokio::test]
async fn fetches_by_uid_without_marking_seen() {
    let messages = vec![
        message(1, "ช่วยด้วย ถูกยึดพาสปอร์ต"),
        message(2, "Tôi cần giúp đỡ"),
        message(3, "plain ascii"),
    ];
    let Some((settings, mut reader)) = folder_with("fetch", &messages).await else {
        return;
    };

    let state = reader.select().await.expect("select");
    assert_eq!(state.exists, 3);
    assert_eq!(state.uid_next, Some(4));

    // UIDVALIDITY is the same from another connection.
    let mut other = connect(&settings).await;
    let other_state = other.select().await.expect("select again");
    assert_eq!(other_state.uid_validity, state.uid_validity);

    // Everything, bytes intact, in UID order.
    let all = reader.fetch_after(0, 100).await.expect("fetch all");
    let uids: Vec<u32> = all.iter().map(|m| m.uid).collect();
    assert_eq!(uids, vec![1, 2, 3]);
    for (mail, raw) in all.iter().zip(&messages) {
        assert_eq!(&mail.raw, raw, "uid {} came back changed", mail.uid);
    }

    // PEEK: fetching marked nothing seen.
    assert_eq!(reader.unseen_uids().await.expect("unseen"), vec![1, 2, 3]);

    reader.mark_seen(1).await.expect("mark seen");
    assert_eq!(reader.unseen_uids().await.expect("unseen"), vec![2, 3]);
    // Stored on the server, not just in this session.
    assert_eq!(other.unseen_uids().await.expect("unseen"), vec![2, 3]);

    // Only what is above the given UID, and at most `limit`.
    let after_two = reader.fetch_after(2, 100).await.expect("fetch after 2");
    assert_eq!(after_two.len(), 1);
    assert_eq!(after_two[0].uid, 3);
    assert_eq!(after_two[0].raw, messages[2]);
    let first_two = reader.fetch_after(0, 2).await.expect("fetch with limit");
    assert_eq!(
        first_two.iter().map(|m| m.uid).collect::<Vec<_>>(),
        vec![1, 2]
    );
    // `4:*` would match UID 3 on the wire; the reader must not return it.
    assert!(
        reader
            .fetch_after(3, 100)
            .await
            .expect("fetch after last")
            .is_empty()
    );
    assert!(
        reader
            .fetch_after(u32::MAX, 100)
            .await
            .expect("fetch after max")
            .is_empty()
    );

    // Debug output of a fetched mail never shows the content.
    assert!(!format!("{:?}", all[2]).contains("plain ascii"));

    other.logout().await.expect("logout");
    reader.logout().await.expect("logout");
    delete_folder(&settings).await;
}

#[tokio::test]
async fn idle_wakes_when_another_connection_appends() {
    let Some((settings, mut reader)) = folder_with("idle", &[]).await else {
        return;
    };
    assert!(reader.supports_idle());

    // Nothing arrives: IDLE ends at the time given, and the reader is usable after it.
    let outcome = reader
        .idle_wait(Duration::from_millis(300))
        .await
        .expect("idle");
    assert_eq!(outcome, IdleOutcome::Timeout);
    assert!(reader.fetch_after(0, 10).await.expect("fetch").is_empty());

    // Another connection appends while this one waits.
    let appender = {
        let settings = settings.clone();
        tokio::spawn(async move {
            let mut writer = connect(&settings).await;
            writer
                .append(&settings.folder, &message(1, "new report"), &[])
                .await
                .expect("append");
            writer.logout().await.expect("logout");
        })
    };
    let started = Instant::now();
    let outcome = reader
        .idle_wait(Duration::from_secs(60))
        .await
        .expect("idle");
    assert_eq!(outcome, IdleOutcome::NewMail);
    assert!(started.elapsed() < Duration::from_secs(60));
    appender.await.expect("appender task");

    let fetched = reader.fetch_after(0, 10).await.expect("fetch after idle");
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].raw, message(1, "new report"));

    // Nothing new since: the next IDLE times out again.
    let outcome = reader
        .idle_wait(Duration::from_millis(300))
        .await
        .expect("idle again");
    assert_eq!(outcome, IdleOutcome::Timeout);

    reader.logout().await.expect("logout");
    delete_folder(&settings).await;
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_without_the_password() {
    let Some(mut settings) = support::imap_settings("INBOX") else {
        return;
    };
    settings.password = "not-the-password-x7".to_owned();
    let error = MailboxReader::connect(&settings)
        .await
        .expect_err("a wrong password must not log in");
    assert!(matches!(error, ImapError::Auth(_)), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("not-the-password-x7"), "{text}");
    assert!(!format!("{settings:?}").contains("not-the-password-x7"));
}

#[tokio::test]
async fn tls_is_never_skipped() {
    let Some(mut settings) = support::imap_settings("INBOX") else {
        return;
    };
    // The test Dovecot speaks plain IMAP only: both TLS modes must refuse, not fall back.
    settings.tls = ImapTls::Tls;
    let error = MailboxReader::connect(&settings)
        .await
        .expect_err("TLS to a plain port");
    assert!(matches!(error, ImapError::Connect(_)), "{error:?}");
    settings.tls = ImapTls::StartTls;
    let error = MailboxReader::connect(&settings)
        .await
        .expect_err("STARTTLS to a server without TLS");
    assert!(matches!(error, ImapError::Connect(_)), "{error:?}");
}

#[tokio::test]
async fn commands_need_a_selected_folder() {
    let Some(settings) = support::imap_settings("INBOX") else {
        return;
    };
    let mut reader = connect(&settings).await;
    assert!(matches!(
        reader.fetch_after(0, 10).await,
        Err(ImapError::Protocol(_))
    ));
    assert!(matches!(
        reader.idle_wait(Duration::from_millis(10)).await,
        Err(ImapError::Protocol(_))
    ));
    reader.logout().await.expect("logout");
}
