//! The LINE stand-in as the app and a demo would use it: reply tokens work once and only while
//! fresh, retry keys keep a retried push from being delivered twice, bodies are validated like
//! LINE's, and webhook events arrive signed the way the app must verify them.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hotline_testkit::{LineEndpoint, LineFailure, LineStandIn};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "c0ffee-channel-secret";
const TOKEN: &str = "stand-in-channel-access-token";
const USER: &str = "U4af4980629a0b1c2d3e4f5a6b7c8d9e0";
const OTHER_USER: &str = "U0000000000000000000000000000beef";
const RETRY_KEY: &str = "123e4567-e89b-42d3-a456-426614174000";

/// The answer of one API call: status, `x-line-request-id`, `x-line-accepted-request-id`, body.
struct Answer {
    status: u16,
    request_id: Option<String>,
    accepted_request_id: Option<String>,
    body: Value,
}

async fn call(
    stand_in: &LineStandIn,
    path: &str,
    token: &str,
    retry_key: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", stand_in.api_url());
    let mut request = match body {
        Some(body) => client.post(url).json(&body),
        None => client.get(url),
    };
    request = request.bearer_auth(token);
    if let Some(key) = retry_key {
        request = request.header("X-Line-Retry-Key", key);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    Answer {
        status: response.status().as_u16(),
        request_id: header("x-line-request-id"),
        accepted_request_id: header("x-line-accepted-request-id"),
        body: response.json().await.unwrap(),
    }
}

async fn reply(stand_in: &LineStandIn, reply_token: &str, text: &str) -> Answer {
    let body = json!({
        "replyToken": reply_token,
        "messages": [{ "type": "text", "text": text }],
    });
    call(stand_in, "/v2/bot/message/reply", TOKEN, None, Some(body)).await
}

async fn push(stand_in: &LineStandIn, retry_key: Option<&str>, text: &str) -> Answer {
    let body = json!({ "to": USER, "messages": [{ "type": "text", "text": text }] });
    call(
        stand_in,
        "/v2/bot/message/push",
        TOKEN,
        retry_key,
        Some(body),
    )
    .await
}

fn reply_token(event: &Value) -> String {
    event["replyToken"].as_str().unwrap().to_owned()
}

fn start() -> LineStandIn {
    LineStandIn::start(SECRET, TOKEN).unwrap()
}

/// What a webhook receiver got: the `x-line-signature` header, the content type and the body.
type Received = Arc<Mutex<Vec<(Option<String>, Option<String>, Vec<u8>)>>>;

/// A stand-in for the app's LINE webhook route, answering `status`.
struct WebhookReceiver {
    url: String,
    received: Received,
    handle: ServerHandle,
}

impl WebhookReceiver {
    fn start(status: u16) -> Self {
        let received: Received = Arc::default();
        let data = web::Data::new((Arc::clone(&received), status));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/webhooks/line", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let url = format!("http://{}/webhooks/line", server.addrs()[0]);
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            url,
            received,
            handle,
        }
    }

    fn received(&self) -> Vec<(Option<String>, Option<String>, Vec<u8>)> {
        self.received.lock().unwrap().clone()
    }
}

async fn receive(
    request: HttpRequest,
    body: web::Bytes,
    data: web::Data<(Received, u16)>,
) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let (received, status) = data.get_ref();
    received.lock().unwrap().push((
        header("x-line-signature"),
        header("content-type"),
        body.to_vec(),
    ));
    HttpResponse::build(actix_web::http::StatusCode::from_u16(*status).unwrap()).finish()
}

#[tokio::test]
async fn a_reply_with_a_fresh_token_is_delivered_to_the_user_of_its_event() {
    let stand_in = start();
    let event = stand_in.text_event(USER, "ช่วยด้วย help");

    let answer = reply(&stand_in, &reply_token(&event), "We received your message.").await;

    assert_eq!(answer.status, 200);
    assert!(answer.request_id.is_some());
    let sent = answer.body["sentMessages"].as_array().unwrap();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]["id"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit())
    );
    assert!(sent[0]["quoteToken"].is_string());
    assert_eq!(stand_in.texts_sent_to(USER), ["We received your message."]);
    assert_eq!(
        stand_in.messages_sent_to(USER),
        [json!({ "type": "text", "text": "We received your message." })]
    );
    assert_eq!(stand_in.replies_and_pushes(), (1, 0));
}

#[tokio::test]
async fn a_reply_token_works_only_once() {
    let stand_in = start();
    let token = reply_token(&stand_in.follow_event(USER));

    assert_eq!(reply(&stand_in, &token, "first").await.status, 200);
    let second = reply(&stand_in, &token, "second").await;

    assert_eq!(second.status, 400);
    assert_eq!(second.body, json!({ "message": "Invalid reply token" }));
    assert_eq!(stand_in.texts_sent_to(USER), ["first"]);
    assert_eq!(stand_in.replies_and_pushes(), (1, 0));
}

#[tokio::test]
async fn unknown_and_expired_reply_tokens_are_refused_and_later_ones_still_work() {
    let stand_in = start();
    let old = reply_token(&stand_in.postback_event(USER, "action=consent&v=yes"));
    stand_in.expire_reply_tokens();
    let fresh = reply_token(&stand_in.text_event(USER, "hello"));

    let expired = reply(&stand_in, &old, "too late").await;
    let unknown = reply(&stand_in, "0123456789abcdef0123456789abcdef", "who?").await;
    let in_time = reply(&stand_in, &fresh, "in time").await;

    assert_eq!(expired.status, 400);
    assert_eq!(expired.body, json!({ "message": "Invalid reply token" }));
    assert_eq!(unknown.status, 400);
    assert_eq!(in_time.status, 200);
    assert_eq!(stand_in.texts_sent_to(USER), ["in time"]);
}

#[tokio::test]
async fn a_shorter_token_lifetime_applies_to_tokens_already_issued() {
    let stand_in = start();
    let token = reply_token(&stand_in.text_event(USER, "hello"));

    stand_in.set_reply_token_lifetime(Duration::ZERO);
    let answer = reply(&stand_in, &token, "too late").await;

    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["message"], "Invalid reply token");
    assert!(stand_in.texts_sent_to(USER).is_empty());
}

#[tokio::test]
async fn a_push_repeated_with_an_accepted_retry_key_is_refused_and_not_delivered_again() {
    let stand_in = start();

    let first = push(&stand_in, Some(RETRY_KEY), "An operator will call you.").await;
    // Keys are UUIDs, so the same key in capitals is the same key.
    let again = push(
        &stand_in,
        Some(&RETRY_KEY.to_uppercase()),
        "An operator will call you.",
    )
    .await;

    assert_eq!(first.status, 200);
    assert_eq!(again.status, 409);
    assert_eq!(again.body["message"], "The retry key is already accepted");
    assert_eq!(again.body["sentMessages"], first.body["sentMessages"]);
    assert_eq!(again.accepted_request_id, first.request_id);
    assert_eq!(stand_in.texts_sent_to(USER), ["An operator will call you."]);
    assert_eq!(stand_in.replies_and_pushes(), (0, 1));
    let keys: Vec<Option<String>> = stand_in
        .requests()
        .into_iter()
        .map(|request| request.retry_key)
        .collect();
    assert_eq!(
        keys,
        [Some(RETRY_KEY.to_owned()), Some(RETRY_KEY.to_uppercase())]
    );
}

#[tokio::test]
async fn a_push_whose_answer_was_lost_is_delivered_once_when_retried_with_its_key() {
    let stand_in = start();
    stand_in.fail_next(LineEndpoint::Push, LineFailure::AcceptedThenServerError);

    let lost = push(&stand_in, Some(RETRY_KEY), "Your case number is 42.").await;
    let retried = push(&stand_in, Some(RETRY_KEY), "Your case number is 42.").await;

    assert_eq!(lost.status, 500);
    assert_eq!(lost.body, json!({ "message": "Internal server error" }));
    assert_eq!(retried.status, 409);
    assert_eq!(retried.accepted_request_id, lost.request_id);
    assert_eq!(stand_in.texts_sent_to(USER), ["Your case number is 42."]);
    assert_eq!(stand_in.replies_and_pushes(), (0, 1));
}

#[tokio::test]
async fn pushes_without_a_retry_key_are_each_delivered_and_a_malformed_key_is_refused() {
    let stand_in = start();

    assert_eq!(push(&stand_in, None, "one").await.status, 200);
    assert_eq!(push(&stand_in, None, "one").await.status, 200);
    let malformed = push(&stand_in, Some("not-a-uuid"), "two").await;

    assert_eq!(malformed.status, 400);
    assert_eq!(
        malformed.body,
        json!({ "message": "The value of the X-Line-Retry-Key header is invalid" })
    );
    assert_eq!(stand_in.texts_sent_to(USER), ["one", "one"]);
}

#[tokio::test]
async fn a_queued_rate_limit_is_served_once_and_nothing_is_delivered_with_it() {
    let stand_in = start();
    stand_in.fail_next(LineEndpoint::Push, LineFailure::TooManyRequests);

    let limited = push(&stand_in, Some(RETRY_KEY), "hello").await;
    let retried = push(&stand_in, Some(RETRY_KEY), "hello").await;

    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.body,
        json!({ "message": "The API rate limit has been exceeded. Try again later." })
    );
    // Nothing was accepted, so the same key goes through.
    assert_eq!(retried.status, 200);
    assert_eq!(stand_in.texts_sent_to(USER), ["hello"]);
    let statuses: Vec<u16> = stand_in.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200]);
}

#[tokio::test]
async fn failures_are_queued_per_endpoint() {
    let stand_in = start();
    stand_in.fail_next(LineEndpoint::Reply, LineFailure::ServerError);
    let token = reply_token(&stand_in.text_event(USER, "hi"));

    assert_eq!(push(&stand_in, None, "pushed").await.status, 200);
    let failed = reply(&stand_in, &token, "replied").await;
    // A plain server error processed nothing: the token is still good.
    let replied = reply(&stand_in, &token, "replied").await;

    assert_eq!(failed.status, 500);
    assert_eq!(replied.status, 200);
    assert_eq!(stand_in.texts_sent_to(USER), ["pushed", "replied"]);
    assert_eq!(stand_in.replies_and_pushes(), (1, 1));
}

#[tokio::test]
async fn a_wrong_bearer_token_is_refused_recorded_and_does_not_use_up_a_queued_failure() {
    let stand_in = start();
    stand_in.fail_next(LineEndpoint::Push, LineFailure::ServerError);
    let body = json!({ "to": USER, "messages": [{ "type": "text", "text": "hi" }] });

    let refused = call(
        &stand_in,
        "/v2/bot/message/push",
        "wrong",
        None,
        Some(body.clone()),
    )
    .await;
    let failed = push(&stand_in, None, "hi").await;

    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.body,
        json!({ "message": "Authentication failed. Confirm that the access token in the authorization header is valid." })
    );
    assert_eq!(failed.status, 500);
    assert!(stand_in.texts_sent_to(USER).is_empty());
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/v2/bot/message/push");
    assert!(!requests[0].authorized);
    assert_eq!(requests[0].status, 401);
    assert_eq!(requests[0].body, body);
    assert!(requests[1].authorized);
}

#[tokio::test]
async fn a_quick_reply_label_over_20_characters_is_refused_with_its_property() {
    let stand_in = start();
    let token = reply_token(&stand_in.text_event(USER, "hi"));
    let body = json!({
        "replyToken": token,
        "messages": [{
            "type": "text",
            "text": "May we contact you?",
            "quickReply": { "items": [
                { "type": "action", "action": { "type": "postback", "label": "Yes", "data": "consent=yes" } },
                { "type": "action", "action": { "type": "postback", "label": "No, please do not contact me", "data": "consent=no" } },
            ] },
        }],
    });

    let answer = call(&stand_in, "/v2/bot/message/reply", TOKEN, None, Some(body)).await;

    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        json!({
            "message": "The request body has 1 error(s)",
            "details": [{
                "message": "Length must be between 0 and 20",
                "property": "messages[0].quickReply.items[1].action.label",
            }],
        })
    );
    assert!(stand_in.texts_sent_to(USER).is_empty());
    // A refused body does not use the token up.
    assert_eq!(reply(&stand_in, &token, "ok").await.status, 200);
}

#[tokio::test]
async fn message_lists_and_texts_are_checked_like_line_does() {
    let stand_in = start();
    let text = |text: &str| json!({ "type": "text", "text": text });
    let six: Vec<Value> = (0..6).map(|i| text(&i.to_string())).collect();
    let too_long = "ก".repeat(5001);
    let cases = [
        (json!({ "to": USER, "messages": six }), "messages"),
        (json!({ "to": USER, "messages": [] }), "messages"),
        (
            json!({ "to": USER, "messages": [text("")] }),
            "messages[0].text",
        ),
        (
            json!({ "to": USER, "messages": [text("ok"), text(&too_long)] }),
            "messages[1].text",
        ),
        (
            json!({ "to": USER, "messages": [{ "type": "sticker", "packageId": "446" }] }),
            "messages[0].stickerId",
        ),
        (json!({ "messages": [text("to nobody")] }), "to"),
    ];

    for (body, property) in cases {
        let answer = call(&stand_in, "/v2/bot/message/push", TOKEN, None, Some(body)).await;
        assert_eq!(answer.status, 400, "{property}");
        assert_eq!(answer.body["details"][0]["property"], property);
    }
    let five: Vec<Value> = (0..5).map(|i| text(&i.to_string())).collect();
    let longest = "ก".repeat(5000);
    let sticker = json!({ "type": "sticker", "packageId": "446", "stickerId": "1988" });
    let accepted = json!({ "to": USER, "messages": five, "notificationDisabled": true });
    let answer = call(
        &stand_in,
        "/v2/bot/message/push",
        TOKEN,
        None,
        Some(accepted),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["sentMessages"].as_array().unwrap().len(), 5);
    let accepted = json!({ "to": USER, "messages": [text(&longest), sticker] });
    let answer = call(
        &stand_in,
        "/v2/bot/message/push",
        TOKEN,
        None,
        Some(accepted),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(stand_in.messages_sent_to(USER).len(), 7);
    assert_eq!(stand_in.texts_sent_to(USER).len(), 6);
}

#[tokio::test]
async fn the_profile_answers_the_language_set_for_a_user_and_thai_otherwise() {
    let stand_in = start();
    stand_in.set_profile_language(OTHER_USER, "my");

    let set = call(
        &stand_in,
        &format!("/v2/bot/profile/{OTHER_USER}"),
        TOKEN,
        None,
        None,
    )
    .await;
    let default = call(
        &stand_in,
        &format!("/v2/bot/profile/{USER}"),
        TOKEN,
        None,
        None,
    )
    .await;

    assert_eq!(set.status, 200);
    assert_eq!(
        set.body,
        json!({
            "displayName": "Stand-in user",
            "userId": OTHER_USER,
            "language": "my",
            "pictureUrl": "https://example.invalid/p.png",
        })
    );
    assert_eq!(default.body["language"], "th");
}

#[tokio::test]
async fn unknown_paths_are_not_found_and_recorded() {
    let stand_in = start();

    let answer = call(
        &stand_in,
        "/v2/bot/message/multicast",
        TOKEN,
        None,
        Some(json!({})),
    )
    .await;

    assert_eq!(answer.status, 404);
    assert_eq!(answer.body, json!({ "message": "Not found" }));
    assert_eq!(stand_in.requests()[0].path, "/v2/bot/message/multicast");
}

#[test]
fn sign_matches_an_hmac_computed_independently_with_openssl() {
    let stand_in = start();
    let body = br#"{"destination":"U0123456789abcdef0123456789abcdef","events":[]}"#;

    // printf '%s' "$body" | openssl dgst -sha256 -hmac c0ffee-channel-secret -binary | base64
    assert_eq!(
        stand_in.sign(body),
        "QrUuzcvWzimqgrlNO+fJt1UTB5ny/oEWy+UoHqU43yI="
    );
}

#[test]
fn events_carry_lines_common_properties_and_fresh_ids() {
    let stand_in = start();
    let text = stand_in.text_event(USER, "ช่วยด้วย");
    let next = stand_in.text_event(USER, "again");
    let sticker = stand_in.message_event(
        USER,
        json!({ "type": "sticker", "packageId": "446", "stickerId": "1988" }),
    );
    let location = stand_in.message_event(
        USER,
        json!({ "id": "1", "type": "location", "latitude": 13.75, "longitude": 100.5 }),
    );
    let follow = stand_in.follow_event(USER);
    let unfollow = stand_in.unfollow_event(USER);
    let postback = stand_in.postback_event(USER, "action=consent&v=yes");
    let events = [
        &text, &next, &sticker, &location, &follow, &unfollow, &postback,
    ];

    let mut event_ids = HashSet::new();
    let mut reply_tokens = HashSet::new();
    for event in events {
        assert_eq!(event["mode"], "active");
        assert!(event["timestamp"].as_u64().unwrap() > 1_700_000_000_000);
        assert_eq!(event["deliveryContext"], json!({ "isRedelivery": false }));
        assert_eq!(event["source"], json!({ "type": "user", "userId": USER }));
        let id = event["webhookEventId"].as_str().unwrap();
        assert_eq!(id.len(), 26);
        assert!(
            id.chars()
                .all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c))
        );
        assert!(event_ids.insert(id.to_owned()));
        if let Some(token) = event.get("replyToken") {
            let token = token.as_str().unwrap();
            assert_eq!(token.len(), 32);
            assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
            assert!(reply_tokens.insert(token.to_owned()));
        }
    }
    assert_eq!(text["type"], "message");
    assert_eq!(text["message"]["type"], "text");
    assert_eq!(text["message"]["text"], "ช่วยด้วย");
    assert!(text["message"]["quoteToken"].is_string());
    let id = |event: &Value| {
        event["message"]["id"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    assert!(id(&next) > id(&text));
    assert!(sticker["message"]["quoteToken"].is_string());
    assert!(id(&sticker) > id(&next));
    assert_eq!(location["message"]["id"], "1");
    assert!(location["message"].get("quoteToken").is_none());
    assert_eq!(follow["type"], "follow");
    assert_eq!(follow["follow"], json!({ "isUnblocked": false }));
    assert_eq!(unfollow["type"], "unfollow");
    assert!(unfollow.get("replyToken").is_none());
    assert_eq!(postback["type"], "postback");
    assert_eq!(
        postback["postback"],
        json!({ "data": "action=consent&v=yes" })
    );
    assert_eq!(reply_tokens.len(), 6);
}

#[test]
fn the_webhook_body_is_compact_json_with_a_destination() {
    let stand_in = start();
    let event = stand_in.unfollow_event(USER);

    let body = stand_in.webhook_body(std::slice::from_ref(&event));

    assert!(!body.contains(' ') && !body.contains('\n'));
    let parsed: Value = serde_json::from_str(&body).unwrap();
    let destination = parsed["destination"].as_str().unwrap();
    assert_eq!(destination.len(), 33);
    assert!(destination.starts_with('U'));
    assert!(
        destination[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    );
    assert_eq!(parsed["events"], json!([event]));
    // The same for every body of this stand-in, as for one LINE channel.
    assert_eq!(
        serde_json::from_str::<Value>(&stand_in.webhook_body(&[])).unwrap()["destination"],
        destination
    );
}

#[actix_web::test]
async fn deliver_posts_a_correctly_signed_body_to_the_webhook() {
    let stand_in = start();
    let receiver = WebhookReceiver::start(200);
    stand_in.set_webhook(&receiver.url);
    let event = stand_in.text_event(USER, "ช่วยด้วย help");

    let status = stand_in
        .deliver(std::slice::from_ref(&event))
        .await
        .unwrap();

    assert_eq!(status, 200);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let (signature, content_type, body) = &received[0];
    assert_eq!(signature.as_deref(), Some(stand_in.sign(body).as_str()));
    assert!(
        content_type
            .as_deref()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(body["events"], json!([event]));
    receiver.handle.stop(false).await;
}

#[actix_web::test]
async fn deliver_raw_sends_any_body_and_signature_and_reports_the_status() {
    let stand_in = start();
    let receiver = WebhookReceiver::start(401);
    stand_in.set_webhook(&receiver.url);

    let forged = stand_in
        .deliver_raw(b"{\"events\":[]}", Some("Zm9yZ2Vk"))
        .await;
    let unsigned = stand_in.deliver_raw(b"not json", None).await;

    assert_eq!(forged.unwrap(), 401);
    assert_eq!(unsigned.unwrap(), 401);
    let received = receiver.received();
    assert_eq!(received[0].0.as_deref(), Some("Zm9yZ2Vk"));
    assert_eq!(received[1].0, None);
    assert_eq!(received[1].2, b"not json");
    receiver.handle.stop(false).await;
}

#[tokio::test]
async fn deliver_without_a_webhook_is_an_error() {
    let stand_in = start();

    let error = stand_in.deliver(&[]).await.unwrap_err();

    assert_eq!(error.kind(), std::io::ErrorKind::NotConnected);
}

#[actix_web::test]
async fn demo_actions_reach_the_webhook_signed_and_replies_are_listed() {
    let stand_in = start();
    let receiver = WebhookReceiver::start(200);
    stand_in.set_webhook(&receiver.url);
    let client = reqwest::Client::new();
    let demo_url = format!("{}/demo/users/{USER}/messages", stand_in.api_url());
    let actions = [
        json!({ "follow": true }),
        json!({ "text": "ช่วยด้วย" }),
        json!({ "choice": "consent=yes" }),
        json!({ "unfollow": true }),
    ];

    for action in &actions {
        let response = client.post(&demo_url).json(action).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({ "status": 200 })
        );
    }
    let received = receiver.received();
    let events: Vec<Value> = received
        .iter()
        .map(|(signature, _, body)| {
            assert_eq!(signature.as_deref(), Some(stand_in.sign(body).as_str()));
            let body: Value = serde_json::from_slice(body).unwrap();
            body["events"][0].clone()
        })
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["follow", "message", "postback", "unfollow"]);
    assert_eq!(events[1]["message"]["text"], "ช่วยด้วย");
    assert_eq!(events[2]["postback"]["data"], "consent=yes");

    // The app answers the text through its reply token; the demo lists the reply.
    let answer = reply(&stand_in, &reply_token(&events[1]), "Received.").await;
    assert_eq!(answer.status, 200);
    let listed: Value = client
        .get(&demo_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([{ "type": "text", "text": "Received." }]));
    receiver.handle.stop(false).await;
}

#[tokio::test]
async fn a_demo_action_without_a_webhook_is_unavailable_and_an_unknown_one_refused() {
    let stand_in = start();
    let client = reqwest::Client::new();
    let demo_url = format!("{}/demo/users/{USER}/messages", stand_in.api_url());

    let no_webhook = client
        .post(&demo_url)
        .json(&json!({ "text": "hi" }))
        .send()
        .await
        .unwrap();
    stand_in.set_webhook("http://127.0.0.1:9/unused");
    let unknown = client
        .post(&demo_url)
        .json(&json!({ "wave": true }))
        .send()
        .await
        .unwrap();

    assert_eq!(no_webhook.status().as_u16(), 503);
    assert!(no_webhook.json::<Value>().await.unwrap()["error"].is_string());
    assert_eq!(unknown.status().as_u16(), 400);
    assert!(stand_in.requests().is_empty());
}

#[tokio::test]
async fn a_dropped_stand_in_stops_serving() {
    let stand_in = start();
    let url = format!("{}/v2/bot/profile/{USER}", stand_in.api_url());

    drop(stand_in);

    assert!(reqwest::Client::new().get(url).send().await.is_err());
}
