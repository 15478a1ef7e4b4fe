//! The memory and file backends end to end (built message → bytes → our own parser), and the
//! SMTP backend's failure classification against a closed port. The SMTP happy path is tested
//! against a real server elsewhere.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use hotline_email::mailer::{MailError, Mailer, MemoryMailer, OutgoingEmail, SmtpConfig, SmtpTls};
use hotline_email::parse::{EmailKind, parse_email};

const HOTLINE: &str = "hotline@hotline.example";

fn reply() -> OutgoingEmail {
    OutgoingEmail {
        from: format!("สายด่วน <{HOTLINE}>"),
        to: "somchai@example.org".into(),
        subject: "Re: [HL-8F3K2] ขอความช่วยเหลือ".into(),
        text: "เราได้รับข้อความของคุณแล้ว\nWe will call you back.".into(),
        message_id: "reply-HL-8F3K2.0001@hotline.example".into(),
        in_reply_to: Some("<thai-plain-1@example.org>".into()),
        references: vec!["earlier-1@example.org".into()],
        auto: false,
        date: Utc.with_ymd_and_hms(2024, 6, 3, 4, 0, 0).unwrap(),
    }
}

fn header_lines(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    head.split("\r\n").map(str::to_owned).collect()
}

fn has_header(raw: &[u8], line: &str) -> bool {
    header_lines(raw)
        .iter()
        .any(|l| l.eq_ignore_ascii_case(line))
}

fn reason(e: &MailError) -> &str {
    match e {
        MailError::Temporary(r) | MailError::Permanent(r) => r,
    }
}

#[tokio::test]
async fn memory_keeps_the_message_with_threading_and_loop_headers() {
    let memory = MemoryMailer::new();
    let mailer = Mailer::Memory(memory.clone());
    mailer.send(&reply()).await.unwrap();

    let sent = memory.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].email, reply());
    let raw = &sent[0].raw;
    assert!(has_header(
        raw,
        "Message-ID: <reply-HL-8F3K2.0001@hotline.example>"
    ));
    assert!(has_header(raw, "In-Reply-To: <thai-plain-1@example.org>"));
    assert!(has_header(
        raw,
        "References: <earlier-1@example.org> <thai-plain-1@example.org>"
    ));
    assert!(has_header(raw, "X-Hotline-Loop: 1"));
    assert!(has_header(raw, "Date: Mon, 03 Jun 2024 04:00:00 +0000"));
    assert!(has_header(raw, "Content-Type: text/plain; charset=utf-8"));
    assert!(
        !header_lines(raw)
            .iter()
            .any(|l| l.to_ascii_lowercase().starts_with("auto-submitted")),
        "a person's reply is not auto-submitted"
    );

    // What went out reads back with our own parser, and is recognised as our own.
    let parsed = parse_email(raw, &[HOTLINE]).unwrap();
    assert_eq!(parsed.kind, EmailKind::Loop);
    assert_eq!(
        parsed.message_id.as_deref(),
        Some("reply-HL-8F3K2.0001@hotline.example")
    );
    assert_eq!(parsed.in_reply_to, vec!["thai-plain-1@example.org"]);
    assert_eq!(
        parsed.references,
        vec!["earlier-1@example.org", "thai-plain-1@example.org"]
    );
    assert_eq!(
        parsed.subject.as_deref(),
        Some("Re: [HL-8F3K2] ขอความช่วยเหลือ")
    );
    assert_eq!(parsed.case_reference.as_deref(), Some("HL-8F3K2"));
    assert_eq!(parsed.from_name.as_deref(), Some("สายด่วน"));
    assert_eq!(parsed.to, vec!["somchai@example.org"]);
    assert_eq!(
        parsed.new_text,
        "เราได้รับข้อความของคุณแล้ว\nWe will call you back."
    );
    assert_eq!(parsed.date, Some(reply().date));
    // Also a loop by header alone, when the From address is not known as ours.
    assert_eq!(parse_email(raw, &[]).unwrap().kind, EmailKind::Loop);
}

#[tokio::test]
async fn automatic_messages_say_so() {
    let memory = MemoryMailer::new();
    let mailer = Mailer::Memory(memory.clone());
    let ack = OutgoingEmail {
        auto: true,
        in_reply_to: None,
        references: Vec::new(),
        ..reply()
    };
    mailer.send(&ack).await.unwrap();
    let raw = &memory.sent()[0].raw;
    assert!(has_header(raw, "Auto-Submitted: auto-replied"));
    assert!(
        !header_lines(raw)
            .iter()
            .any(|l| l.starts_with("In-Reply-To"))
    );
    assert!(
        !header_lines(raw)
            .iter()
            .any(|l| l.starts_with("References"))
    );
}

#[tokio::test]
async fn queued_failures_come_first_and_nothing_is_recorded_for_them() {
    let memory = MemoryMailer::new();
    let mailer = Mailer::Memory(memory.clone());
    memory.fail_next(MailError::Temporary(
        "the mail server could not be reached".into(),
    ));
    assert!(matches!(
        mailer.send(&reply()).await,
        Err(MailError::Temporary(_))
    ));
    assert!(memory.sent().is_empty());
    mailer.send(&reply()).await.unwrap();
    assert_eq!(memory.sent().len(), 1);
}

#[tokio::test]
async fn bad_addresses_and_ids_are_permanent_and_not_repeated_in_the_reason() {
    let mailer = Mailer::Memory(MemoryMailer::new());
    let cases = [
        OutgoingEmail {
            to: "not an address somchai".into(),
            ..reply()
        },
        OutgoingEmail {
            from: "hotline at example".into(),
            ..reply()
        },
        OutgoingEmail {
            message_id: "x\r\nBcc: somchai@example.org".into(),
            ..reply()
        },
        OutgoingEmail {
            in_reply_to: Some("no id somchai".into()),
            ..reply()
        },
    ];
    for email in cases {
        let e = mailer.send(&email).await.unwrap_err();
        assert!(matches!(e, MailError::Permanent(_)), "{e:?}");
        assert!(!reason(&e).contains("somchai"), "{e}");
        assert!(!reason(&e).contains('@'), "{e}");
    }
}

#[tokio::test]
async fn a_subject_with_line_breaks_cannot_add_headers() {
    let memory = MemoryMailer::new();
    let mailer = Mailer::Memory(memory.clone());
    let email = OutgoingEmail {
        subject: "hello\r\nBcc: evil@example.org".into(),
        ..reply()
    };
    mailer.send(&email).await.unwrap();
    let raw = &memory.sent()[0].raw;
    assert!(!header_lines(raw).iter().any(|l| l.starts_with("Bcc")));
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hotline-email-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[tokio::test]
async fn file_backend_writes_one_eml_per_message() {
    let dir = scratch_dir("file");
    let mailer = Mailer::file(&dir);
    mailer.send(&reply()).await.unwrap();
    mailer
        .send(&OutgoingEmail {
            message_id: "reply-HL-8F3K2.0002@hotline.example".into(),
            ..reply()
        })
        .await
        .unwrap();

    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    let mut ids = Vec::new();
    for file in &files {
        assert_eq!(file.extension().and_then(|e| e.to_str()), Some("eml"));
        let raw = std::fs::read(file).unwrap();
        assert!(has_header(&raw, "X-Hotline-Loop: 1"));
        let parsed = parse_email(&raw, &[HOTLINE]).unwrap();
        assert_eq!(
            parsed.new_text,
            "เราได้รับข้อความของคุณแล้ว\nWe will call you back."
        );
        ids.extend(parsed.message_id);
    }
    ids.sort();
    assert_eq!(
        ids,
        vec![
            "reply-HL-8F3K2.0001@hotline.example",
            "reply-HL-8F3K2.0002@hotline.example"
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn file_backend_without_its_directory_fails_temporarily() {
    let dir = scratch_dir("missing").join("does-not-exist");
    let e = Mailer::file(&dir).send(&reply()).await.unwrap_err();
    assert!(matches!(e, MailError::Temporary(_)), "{e:?}");
    assert!(!reason(&e).contains("does-not-exist"));
}

#[tokio::test]
async fn smtp_to_a_closed_port_is_temporary() {
    let mailer = Mailer::smtp(&SmtpConfig {
        host: "127.0.0.1".into(),
        port: 1,
        tls: SmtpTls::None,
        username: None,
        password: None,
        connect_timeout: Duration::from_secs(5),
        send_timeout: Duration::from_secs(60),
    })
    .unwrap();
    let e = mailer.send(&reply()).await.unwrap_err();
    assert!(matches!(e, MailError::Temporary(_)), "{e:?}");
    assert!(
        !reason(&e).contains("somchai") && !reason(&e).contains('@'),
        "{e}"
    );
}

#[test]
fn smtp_settings_that_cannot_work_are_refused() {
    let config = SmtpConfig {
        host: "smtp.example.org".into(),
        port: 587,
        tls: SmtpTls::Starttls,
        username: None,
        password: Some("secret".into()),
        connect_timeout: Duration::from_secs(5),
        send_timeout: Duration::from_secs(60),
    };
    assert!(matches!(
        Mailer::smtp(&config),
        Err(MailError::Permanent(_))
    ));
    let empty_host = SmtpConfig {
        host: " ".into(),
        password: None,
        ..config
    };
    assert!(matches!(
        Mailer::smtp(&empty_host),
        Err(MailError::Permanent(_))
    ));
}

/// A mail server that takes the whole message after DATA and then never gives its final
/// answer: the send must end within the send timeout as a temporary failure (the job retries
/// it with the same Message-ID), not hang. Returns the message the server received.
#[tokio::test]
async fn smtp_that_takes_the_message_and_never_answers_times_out_as_temporary() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (received_tx, received_rx) = tokio::sync::oneshot::channel::<String>();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 stand-in ESMTP\r\n").await.unwrap();
        let mut data = None::<String>;
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(message) = data.as_mut() {
                if line == "." {
                    // The whole message is here; the final 250 never comes.
                    let _ = received_tx.send(std::mem::take(message));
                    break;
                }
                message.push_str(&line);
                message.push('\n');
                continue;
            }
            let reply: &[u8] = match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                Some("EHLO") | Some("HELO") => b"250 stand-in\r\n",
                Some("DATA") => {
                    data = Some(String::new());
                    b"354 go on\r\n"
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        // Hold the connection open, as a server that lost its answer does.
        std::future::pending::<()>().await;
        drop((lines, write));
    });
    let mailer = Mailer::smtp(&SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        connect_timeout: Duration::from_secs(5),
        send_timeout: Duration::from_millis(500),
    })
    .unwrap();
    let started = std::time::Instant::now();
    let e = mailer.send(&reply()).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(e, MailError::Temporary(_)), "{e:?}");
    assert!(took < Duration::from_secs(5), "the send took {took:?}");
    let received = received_rx.await.expect("the server got the whole message");
    assert!(
        received
            .lines()
            .any(|l| l.eq_ignore_ascii_case("Message-ID: <reply-HL-8F3K2.0001@hotline.example>")),
        "{received}"
    );
    server.abort();
}
