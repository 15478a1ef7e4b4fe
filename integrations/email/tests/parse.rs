//! The parser against real RFC 5322 files (fixtures/*.eml), one per shape of mail the hotline
//! receives, plus a no-panic run over pseudo-random and mutated input.

use chrono::{TimeZone, Utc};
use hotline_email::parse::{EmailKind, ParseError, content_hash, find_case_reference, parse_email};

const OWN: &[&str] = &["hotline@hotline.example"];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> hotline_email::parse::ParsedEmail {
    parse_email(&fixture(name), OWN).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn thai_utf8_plain_text() {
    let m = parse("thai_plain_utf8.eml");
    assert_eq!(m.kind, EmailKind::Normal);
    assert_eq!(m.message_id.as_deref(), Some("thai-plain-1@example.org"));
    assert_eq!(m.subject.as_deref(), Some("ขอความช่วยเหลือ"));
    assert_eq!(m.from_address.as_deref(), Some("somchai@example.org"));
    assert_eq!(m.from_name.as_deref(), Some("สมชาย ใจดี"));
    assert_eq!(m.to, vec!["hotline@hotline.example"]);
    assert_eq!(
        m.date,
        Some(Utc.with_ymd_and_hms(2024, 6, 3, 3, 15, 0).unwrap())
    );
    assert_eq!(
        m.new_text,
        "นายจ้างยึดหนังสือเดินทางของพี่สาวฉัน และไม่ให้เธอออกจากโรงงาน\nโปรดช่วยด้วย"
    );
    assert_eq!(m.quoted_text, "");
    assert!(m.attachments.is_empty());
    assert_eq!(m.case_reference, None);
    assert_eq!(
        m.content_hash,
        content_hash(&fixture("thai_plain_utf8.eml"))
    );
}

#[test]
fn alternative_prefers_the_plain_part() {
    let m = parse("alternative.eml");
    assert_eq!(
        m.new_text,
        "The agency wants €3000 before the trip and keeps our passports.\nPlain part wins."
    );
    assert_eq!(m.from_name.as_deref(), Some("Anna K."));
    assert_eq!(m.cc, vec!["friend@example.net", "other@example.net"]);
    assert!(
        m.attachments.is_empty(),
        "the HTML alternative is not an attachment"
    );
}

#[test]
fn html_only_is_turned_into_text_and_its_quote_cut() {
    let m = parse("html_only.eml");
    assert_eq!(
        m.new_text,
        "My cousin is on a fishing boat & cannot leave.\nThe captain took his phone."
    );
    assert!(m.quoted_text.contains("wrote:"), "{}", m.quoted_text);
    assert!(m.quoted_text.contains("> Please tell us where he is."));
    assert!(!m.new_text.contains("color"), "style content is dropped");
}

#[test]
fn thai_tis620_is_decoded() {
    let m = parse("thai_tis620.eml");
    assert_eq!(m.subject.as_deref(), Some("ช่วยด้วย"));
    assert_eq!(m.new_text, "ข้อความ: ฉันถูกบังคับให้ทำงานโดยไม่ได้รับค่าจ้าง");
}

#[test]
fn vietnamese_windows_1258_is_decoded() {
    let m = parse("vietnamese_cp1258.eml");
    assert_eq!(m.subject.as_deref(), Some("Xin chào"));
    // windows-1258 writes most tone marks as combining characters after the letter; the
    // decoded text keeps them that way (the app's triage normalises to NFC).
    assert_eq!(
        m.new_text,
        "Tôi bi\u{323} giư\u{303} ơ\u{309} nhà máy, không đươ\u{323}c vê\u{300} nhà."
    );
}

#[test]
fn vietnamese_utf8_quoted_printable_is_decoded() {
    let m = parse("vietnamese_utf8_qp.eml");
    assert_eq!(m.subject.as_deref(), Some("Cần giúp đỡ"));
    assert_eq!(m.from_name.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(m.new_text, "Họ lấy giấy tờ của tôi.");
}

#[test]
fn chinese_gb2312_subject_and_body_are_decoded() {
    let m = parse("chinese_gb2312.eml");
    assert_eq!(m.subject.as_deref(), Some("求助：护照被扣"));
    assert_eq!(m.from_name.as_deref(), Some("王小明"));
    assert_eq!(m.new_text, "我的护照被老板拿走了，请帮助我。");
}

#[test]
fn chinese_big5_is_decoded() {
    let m = parse("chinese_big5.eml");
    assert_eq!(m.subject.as_deref(), Some("求助：護照被扣"));
    assert_eq!(m.new_text, "我的護照被老闆拿走了，請幫助我。");
}

#[test]
fn burmese_utf8_is_decoded() {
    let m = parse("burmese_utf8.eml");
    assert_eq!(m.subject.as_deref(), Some("အကူအညီ"));
    assert_eq!(m.new_text, "ကျွန်တော့်ကို အလုပ်ရှင်က ချုပ်ထားပါတယ်။ ကူညီပါ။");
    assert_eq!(
        m.date,
        Some(Utc.with_ymd_and_hms(2024, 6, 9, 8, 30, 0).unwrap())
    );
}

#[test]
fn threaded_reply_keeps_ids_and_cuts_quote_and_signature() {
    let m = parse("reply_threaded.eml");
    assert_eq!(m.kind, EmailKind::Normal);
    assert_eq!(m.message_id.as_deref(), Some("CAB123.reply@police.example"));
    assert_eq!(m.in_reply_to, vec!["referral-H-1.0001@hotline.example"]);
    assert_eq!(
        m.references,
        vec![
            "intake-1@hotline.example",
            "referral-H-1.0001@hotline.example"
        ]
    );
    assert_eq!(m.case_reference.as_deref(), Some("HL-8F3K2"));
    assert_eq!(
        m.new_text,
        "We have sent a team to the address.\nCase number 2024/117."
    );
    assert!(m.quoted_text.starts_with("-- \nSgt. Example"));
    assert!(m.quoted_text.contains("> Please confirm receipt."));
}

#[test]
fn a_reply_known_only_by_its_subject_reference() {
    let m = parse("reply_subject_ref.eml");
    assert_eq!(m.subject.as_deref(), Some("Re: [HL-7Q2M9A] รับทราบ"));
    assert_eq!(m.case_reference.as_deref(), Some("HL-7Q2M9A"));
    assert!(m.in_reply_to.is_empty() && m.references.is_empty());
    assert_eq!(m.from_name, None);
    assert_eq!(m.kind, EmailKind::Normal);
}

#[test]
fn a_delivery_status_report_is_a_bounce_naming_our_message() {
    let m = parse("bounce.eml");
    assert_eq!(m.kind, EmailKind::Bounce);
    assert_eq!(
        m.bounced_message_id.as_deref(),
        Some("referral-H-1.0002@hotline.example")
    );
    // The returned headers carry our loop header, but a bounce is still a bounce.
    assert!(m.new_text.contains("could not be delivered"));
}

#[test]
fn an_out_of_office_answer_is_an_auto_reply() {
    let m = parse("auto_reply.eml");
    assert_eq!(m.kind, EmailKind::AutoReply);
    assert_eq!(m.case_reference.as_deref(), Some("HL-8F3K2"));
}

#[test]
fn auto_reply_signals_each_count() {
    let base = String::from_utf8(fixture("thai_plain_utf8.eml")).unwrap();
    let with =
        |header: &str| base.replacen("MIME-Version", &format!("{header}\r\nMIME-Version"), 1);
    for header in [
        "Auto-Submitted: auto-generated",
        "Auto-Submitted: auto-replied; owner-email=\"x@example.org\"",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
    ] {
        let m = parse_email(with(header).as_bytes(), OWN).unwrap();
        assert_eq!(m.kind, EmailKind::AutoReply, "{header}");
    }
    for header in ["Auto-Submitted: no", "Precedence: first-class"] {
        let m = parse_email(with(header).as_bytes(), OWN).unwrap();
        assert_eq!(m.kind, EmailKind::Normal, "{header}");
    }
    for subject in [
        "Out of Office: back Monday",
        "Automatic reply: Referral",
        "ตอบกลับอัตโนมัติ: เรื่อง",
        "自动答复: 转介",
    ] {
        let raw = format!(
            "From: a@example.org\r\nTo: hotline@hotline.example\r\nSubject: {subject}\r\n\r\nback soon\r\n"
        );
        let m = parse_email(raw.as_bytes(), OWN).unwrap();
        assert_eq!(m.kind, EmailKind::AutoReply, "{subject}");
    }
    let raw = "From: a@example.org\r\nSubject: Re: Out of office\r\n\r\nhuman\r\n";
    assert_eq!(
        parse_email(raw.as_bytes(), OWN).unwrap().kind,
        EmailKind::Normal
    );
}

#[test]
fn our_own_mail_is_a_loop() {
    let own = "From: Hotline <HOTLINE@hotline.example>\r\nSubject: x\r\n\r\nbody\r\n";
    assert_eq!(
        parse_email(own.as_bytes(), OWN).unwrap().kind,
        EmailKind::Loop
    );
    let stamped = "From: someone@example.org\r\nX-Hotline-Loop: 1\r\nSubject: x\r\n\r\nbody\r\n";
    assert_eq!(
        parse_email(stamped.as_bytes(), OWN).unwrap().kind,
        EmailKind::Loop
    );
    let daemon_without_report = "From: MAILER-DAEMON@example.org\r\nSubject: hello\r\n\r\nbody\r\n";
    assert_eq!(
        parse_email(daemon_without_report.as_bytes(), OWN)
            .unwrap()
            .kind,
        EmailKind::Normal
    );
}

#[test]
fn a_daemon_sending_a_delivery_status_part_is_a_bounce() {
    let raw = "From: postmaster@mx.example.org\r\nSubject: failure\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n\
--b\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n\r\n--b--\r\n";
    assert_eq!(
        parse_email(raw.as_bytes(), OWN).unwrap().kind,
        EmailKind::Bounce
    );
}

#[test]
fn the_photo_attachment_and_its_metadata() {
    let m = parse("attachment_jpeg.eml");
    assert_eq!(m.new_text, "This is the van they use. Sent from my phone.");
    assert_eq!(m.attachments.len(), 1);
    let photo = &m.attachments[0];
    assert_eq!(photo.name.as_deref(), Some("IMG_0042.jpg"));
    assert_eq!(photo.content_type, "image/jpeg");
    assert_eq!(photo.size, 401);
    assert_eq!(photo.bytes.len(), 401);
    assert!(contains(&photo.bytes, b"Exif"));

    // Its metadata is stripped by the app on download (src/media, with this photo as fixture).
}

#[test]
fn case_reference_finder() {
    assert_eq!(
        find_case_reference("[HL-8F3K2]").as_deref(),
        Some("HL-8F3K2")
    );
    assert_eq!(
        find_case_reference("Re: Fwd: [HL-8F3K2] x").as_deref(),
        Some("HL-8F3K2")
    );
    assert_eq!(find_case_reference("HL-8F3K2"), None);
}

#[test]
fn messages_without_a_message_id_still_parse() {
    let raw = b"From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n";
    let m = parse_email(raw, OWN).unwrap();
    assert_eq!(m.message_id, None);
    assert_eq!(m.content_hash, content_hash(raw));
    assert_eq!(m.content_hash.len(), 64);
}

#[test]
fn empty_input_is_an_error() {
    assert_eq!(parse_email(b"", OWN), Err(ParseError::Empty));
    assert_eq!(parse_email(b"  \r\n", OWN), Err(ParseError::Empty));
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn exercise(bytes: &[u8]) {
    if let Ok(m) = parse_email(bytes, OWN) {
        let _ = m.attachments.len();
    }
    let _ = find_case_reference(&String::from_utf8_lossy(bytes));
}

#[test]
fn no_input_makes_the_parser_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Pieces that steer random input into the parser's interesting paths.
    let pieces: &[&[u8]] = &[
        b"From: ",
        b"Subject: ",
        b"Content-Type: multipart/mixed; boundary=\"b\"\r\n",
        b"--b\r\n",
        b"--b--\r\n",
        b"\r\n\r\n",
        b"=?utf-8?B?",
        b"?=",
        b"<blockquote>",
        b"Content-Transfer-Encoding: base64\r\n",
        b"=\r\n",
        b"[HL-",
        b"\xFF\xD8\xFF\xE1",
        b"\x89PNG\r\n\x1a\n",
        b"On Mon, A wrote:\n",
        b"> ",
        b"-- \n",
        b"&#x",
        b"<",
        b"charset=tis-620\r\n",
        b"charset=big5\r\n",
        b"message/rfc822\r\n",
    ];
    for _ in 0..2_000 {
        let len = rng.below(600);
        let mut bytes = Vec::with_capacity(len);
        while bytes.len() < len {
            if rng.below(4) == 0 {
                bytes.extend_from_slice(pieces[rng.below(pieces.len())]);
            } else {
                bytes.push(rng.next() as u8);
            }
        }
        exercise(&bytes);
    }

    let names = [
        "alternative.eml",
        "attachment_jpeg.eml",
        "auto_reply.eml",
        "bounce.eml",
        "burmese_utf8.eml",
        "chinese_big5.eml",
        "chinese_gb2312.eml",
        "html_only.eml",
        "reply_subject_ref.eml",
        "reply_threaded.eml",
        "thai_plain_utf8.eml",
        "thai_tis620.eml",
        "vietnamese_cp1258.eml",
        "vietnamese_utf8_qp.eml",
    ];
    for name in names {
        let original = fixture(name);
        exercise(&original);
        for _ in 0..100 {
            let mut bytes = original.clone();
            for _ in 0..=rng.below(8) {
                if bytes.is_empty() {
                    break;
                }
                let at = rng.below(bytes.len());
                match rng.below(4) {
                    0 => bytes[at] = rng.next() as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    2 => bytes.insert(at, rng.next() as u8),
                    _ => bytes.truncate(at),
                }
            }
            exercise(&bytes);
        }
    }
}

#[test]
fn our_own_mail_is_a_loop_when_our_from_carries_a_display_name() {
    let own = "From: help@hotline.example\r\nSubject: x\r\n\r\nbody\r\n";
    assert_eq!(
        parse_email(own.as_bytes(), &["Help desk <help@hotline.example>"])
            .unwrap()
            .kind,
        EmailKind::Loop
    );
}
