//! Files whose metadata cannot be removed (an iPhone's HEIC photo, a phone video, a PDF) are
//! marked on the case and handed out only after a warning; JPEG, PNG and WebP images lose their
//! metadata and are handed out as they are.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::console::{cookie_value, sign_in};
use crate::helpers::TestApp;

/// A phone photo with a GPS position in its EXIF and a place in its XMP.
const PHOTO: &[u8] = include_bytes!("../../src/media/fixtures/photo_with_gps.jpg");
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Author (Somchai) /Producer (Phone Scanner) >> endobj\n%%EOF\n";
const HEIC: &[u8] = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x10metaExif GPS";
const MP4: &[u8] =
    b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41\0\0\0\x08free\xa9xyz+13.7563+100.5018/";

/// An email with the four files, recorded as intake records one; answers the case as a
/// supervisor sees it.
pub(crate) async fn case_with_files(app: &TestApp) -> Value {
    let file =
        |name: &str, content_type: &str, bytes: &[u8]| hotline::intake::email::IncomingFile {
            name: Some(name.into()),
            content_type: content_type.into(),
            size: bytes.len() as u64,
            bytes: bytes.to_vec(),
        };
    let mail = hotline::intake::email::IncomingEmail {
        kind: hotline::intake::email::IncomingKind::Normal,
        message_id: Some(format!("{}@example.org", Uuid::new_v4().simple())),
        in_reply_to: vec![],
        references: vec![],
        bounced_message_id: None,
        subject: Some("photos of the place".into()),
        from_address: Some("sister@example.org".into()),
        new_text: "My sister is kept in this factory, here are photos and her contract.".into(),
        quoted_text: String::new(),
        attachments: vec![
            // Declared types are the sender's claim: the bytes decide.
            file("gate.jpg", "application/octet-stream", PHOTO),
            file("contract.pdf", "application/pdf", PDF),
            file("IMG_0001.HEIC", "image/heic", HEIC),
            file("video.mp4", "video/mp4", MP4),
        ],
        case_reference: None,
        content_hash: Uuid::new_v4().simple().to_string(),
    };
    let place = hotline::intake::email::MailboxPlace {
        mailbox: "INBOX",
        uid_validity: 1,
        uid: 1,
    };
    hotline::intake::email::record_email(&app.ctx, place, &mail)
        .await
        .unwrap();
    app.run_jobs().await;
    let supervisor = app.staff(Role::Supervisor).await;
    let list: Value = app
        .get(&supervisor, "/api/v1/cases?channel=email")
        .await
        .json()
        .await
        .unwrap();
    app.case(&supervisor, list["items"][0]["id"].as_str().unwrap())
        .await
}

fn files(case: &Value) -> Vec<Value> {
    case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn named<'a>(files: &'a [Value], name: &str) -> &'a Value {
    files.iter().find(|f| f["name"] == name).unwrap()
}

#[tokio::test]
async fn a_pdf_a_heic_photo_and_a_video_are_marked_and_downloaded_only_once_acknowledged() {
    let app = crate::helpers::spawn_app().await;
    let case = case_with_files(&app).await;
    let files = files(&case);
    assert_eq!(files.len(), 4);
    assert_eq!(named(&files, "gate.jpg")["metadata_kept"], false);
    let supervisor = app.staff(Role::Supervisor).await;
    for (name, original) in [
        ("contract.pdf", PDF),
        ("IMG_0001.HEIC", HEIC),
        ("video.mp4", MP4),
    ] {
        let file = named(&files, name);
        assert_eq!(file["metadata_kept"], true, "{name} is marked");
        let url = format!("/api/v1/attachments/{}", file["id"].as_str().unwrap());

        let refused = app.get(&supervisor, &url).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{name}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "metadata_kept", "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("acknowledge=metadata"),
            "{body}"
        );
        let wrong = app
            .get(&supervisor, &format!("{url}?acknowledge=yes"))
            .await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST, "{name}");

        let given = app
            .get(&supervisor, &format!("{url}?acknowledge=metadata"))
            .await;
        assert_eq!(given.status(), StatusCode::OK, "{name}");
        assert_eq!(
            given.bytes().await.unwrap(),
            original,
            "{name} as it was sent"
        );
    }
    // Only downloads are audited, each with what the file kept; the refusals read nothing.
    let audited: Vec<(Value,)> = sqlx::query_as(
        "SELECT details FROM audit_log WHERE action = 'attachment.downloaded' ORDER BY at",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audited.len(), 3);
    assert!(audited.iter().all(|(d,)| d["metadata_kept"] == true));
}

#[tokio::test]
async fn a_jpeg_is_not_marked_and_is_downloaded_without_its_location() {
    let app = crate::helpers::spawn_app().await;
    let case = case_with_files(&app).await;
    let photo = named(&files(&case), "gate.jpg").clone();
    assert_eq!(photo["metadata_kept"], false);
    let supervisor = app.staff(Role::Supervisor).await;
    let resp = app
        .get(
            &supervisor,
            &format!("/api/v1/attachments/{}", photo["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    assert!(!bytes.windows(12).any(|w| w == b"factory gate"));
}

#[tokio::test]
async fn the_case_page_marks_such_files_and_warns_before_the_download_link() {
    let app = crate::helpers::spawn_app().await;
    let case = case_with_files(&app).await;
    let files = files(&case);
    let s = app.staff(Role::Supervisor).await;
    let cookie = format!(
        "hotline_session={}",
        cookie_value(
            &sign_in(&app, &s.email, &s.password).await,
            "hotline_session"
        )
        .unwrap()
    );
    let page = app
        .get_page(
            &format!("/console/cases/{}", case["id"].as_str().unwrap()),
            Some(&cookie),
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("data-metadata-kept").count(), 3);
    assert!(html.contains("metadata not removed"));
    assert!(html.contains("can identify the reporter"));
    for name in ["contract.pdf", "IMG_0001.HEIC", "video.mp4"] {
        let id = named(&files, name)["id"].as_str().unwrap();
        assert!(html.contains(&format!("/api/v1/attachments/{id}?acknowledge=metadata")));
    }
    // The photo is offered directly, without the warning.
    let photo = named(&files, "gate.jpg")["id"].as_str().unwrap();
    assert!(html.contains(&format!("href=\"/api/v1/attachments/{photo}\" download")));
}
