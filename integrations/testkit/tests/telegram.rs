//! The Telegram stand-in as a bot and as a demo would use it: its answers must parse in
//! teloxide-core, demo messages must reach a webhook as Telegram would send them, and
//! getUpdates must long-poll.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hotline_testkit::{Failure, TelegramStandIn};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use teloxide_core::Bot;
use teloxide_core::payloads::{GetUpdatesSetters, SendMessageSetters, SetWebhookSetters};
use teloxide_core::requests::Requester;
use teloxide_core::types::{
    ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Update, UpdateKind,
};

const TOKEN: &str = "7012345678:AAFq3dZr-test_token_0123456789";
const CHAT: i64 = 5_123_456_789;
const SECRET: &str = "hK3-xQ9_vL2mN8pR4tY7";

fn method_url(stand_in: &TelegramStandIn, method: &str) -> String {
    format!("{}/bot{TOKEN}/{method}", stand_in.api_url())
}

fn demo_url(stand_in: &TelegramStandIn, chat_id: i64) -> String {
    format!("{}/demo/chats/{chat_id}/messages", stand_in.api_url())
}

async fn call(stand_in: &TelegramStandIn, method: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(method_url(stand_in, method))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn demo(stand_in: &TelegramStandIn, chat_id: i64, action: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(demo_url(stand_in, chat_id))
        .json(&action)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn assert_known_update(update: &Value) {
    // Through bytes, as a webhook body arrives: teloxide reads the update kind from borrowed
    // keys, which a `serde_json::Value` cannot lend.
    let bytes = serde_json::to_vec(update).unwrap();
    let parsed: Update = serde_json::from_slice(&bytes).unwrap();
    assert!(
        !matches!(parsed.kind, UpdateKind::Error(_)),
        "not an update teloxide can read: {update}"
    );
}

/// What a webhook receiver got: the secret header and the body.
type Received = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A stand-in for the app's webhook route, answering `status`.
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
                .route("/webhooks/telegram", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let url = format!("http://{}/webhooks/telegram", server.addrs()[0]);
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            url,
            received,
            handle,
        }
    }

    fn received(&self) -> Vec<(Option<String>, Value)> {
        self.received.lock().unwrap().clone()
    }
}

async fn receive(
    request: HttpRequest,
    body: web::Bytes,
    data: web::Data<(Received, u16)>,
) -> HttpResponse {
    let secret = request
        .headers()
        .get("X-Telegram-Bot-Api-Secret-Token")
        .map(|value| value.to_str().unwrap().to_owned());
    let (received, status) = data.get_ref();
    received
        .lock()
        .unwrap()
        .push((secret, serde_json::from_slice(&body).unwrap()));
    HttpResponse::build(actix_web::http::StatusCode::from_u16(*status).unwrap()).finish()
}

#[actix_web::test]
async fn a_demo_text_is_posted_to_the_webhook_with_the_secret_header() {
    let stand_in = TelegramStandIn::start().unwrap();
    let receiver = WebhookReceiver::start(200);
    let (status, _) = call(
        &stand_in,
        "setWebhook",
        json!({"url": receiver.url, "secret_token": SECRET}),
    )
    .await;
    assert_eq!(status, 200);

    let (status, answer) = demo(&stand_in, CHAT, json!({"text": "ช่วยด้วย", "language": "th"})).await;

    assert_eq!(status, 200);
    assert_eq!(answer["delivered_to"], "webhook");
    assert_eq!(answer["status"], 200);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let (secret, update) = &received[0];
    assert_eq!(secret.as_deref(), Some(SECRET));
    assert_eq!(update["update_id"], answer["update_id"]);
    assert_eq!(update["message"]["text"], "ช่วยด้วย");
    assert_eq!(
        update["message"]["chat"],
        json!({"id": CHAT, "type": "private", "first_name": "Demo"})
    );
    assert_eq!(update["message"]["from"]["id"], CHAT);
    assert_eq!(update["message"]["from"]["language_code"], "th");
    assert_known_update(update);
    receiver.handle.stop(false).await;
}

#[actix_web::test]
async fn the_webhooks_answer_status_is_reported_to_the_demo() {
    let stand_in = TelegramStandIn::start().unwrap();
    let receiver = WebhookReceiver::start(503);
    call(&stand_in, "setWebhook", json!({"url": receiver.url})).await;

    let (status, answer) = demo(&stand_in, CHAT, json!({"start": ""})).await;

    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({"delivered_to": "webhook", "status": 503, "update_id": answer["update_id"]})
    );
    // Without a secret_token, Telegram sends no secret header.
    assert_eq!(receiver.received()[0].0, None);
    receiver.handle.stop(false).await;
}

#[actix_web::test]
async fn a_demo_choice_carries_the_last_bot_message_to_that_chat() {
    let stand_in = TelegramStandIn::start().unwrap();
    let receiver = WebhookReceiver::start(200);
    let keyboard = json!({"inline_keyboard": [[
        {"text": "ได้", "callback_data": "consent:yes"},
        {"text": "ไม่ได้", "callback_data": "consent:no"},
    ]]});
    call(
        &stand_in,
        "sendMessage",
        json!({"chat_id": CHAT, "text": "earlier question"}),
    )
    .await;
    let (_, sent) = call(
        &stand_in,
        "sendMessage",
        json!({"chat_id": CHAT, "text": "เราโทรกลับหาคุณได้ไหม", "reply_markup": keyboard}),
    )
    .await;
    call(
        &stand_in,
        "sendMessage",
        json!({"chat_id": 6_234_567_890_i64, "text": "another chat"}),
    )
    .await;
    call(
        &stand_in,
        "setWebhook",
        json!({"url": receiver.url, "secret_token": SECRET}),
    )
    .await;

    demo(&stand_in, CHAT, json!({"choice": "consent:no"})).await;

    let (_, update) = &receiver.received()[0];
    let query = &update["callback_query"];
    assert_eq!(query["data"], "consent:no");
    assert_eq!(query["from"]["id"], CHAT);
    assert_eq!(query["message"]["message_id"], sent["result"]["message_id"]);
    assert_eq!(query["message"]["reply_markup"], keyboard);
    assert!(query["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_known_update(update);
    receiver.handle.stop(false).await;
}

#[actix_web::test]
async fn a_demo_update_to_an_unreachable_webhook_is_reported_as_a_bad_gateway() {
    let stand_in = TelegramStandIn::start().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    call(
        &stand_in,
        "setWebhook",
        json!({"url": format!("http://127.0.0.1:{port}/hook")}),
    )
    .await;

    let (status, answer) = demo(&stand_in, CHAT, json!({"text": "hello"})).await;

    assert_eq!(status, 502);
    assert_eq!(answer["delivered_to"], "webhook");
}

#[tokio::test]
async fn demo_messages_without_a_webhook_wait_for_get_updates() {
    let stand_in = TelegramStandIn::start().unwrap();

    let (_, start) = demo(&stand_in, CHAT, json!({"start": "poster-songkhla-2025"})).await;
    let (_, contact) = demo(&stand_in, CHAT, json!({"contact": "+66812345678"})).await;
    assert_eq!(start["delivered_to"], "getUpdates");

    let (status, answer) = call(&stand_in, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 200);
    let updates = answer["result"].as_array().unwrap();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0]["update_id"], start["update_id"]);
    assert_eq!(updates[1]["update_id"], contact["update_id"]);
    assert_eq!(updates[0]["message"]["text"], "/start poster-songkhla-2025");
    assert_eq!(
        updates[1]["message"]["contact"]["phone_number"],
        "+66812345678"
    );
    assert_eq!(updates[1]["message"]["contact"]["user_id"], CHAT);
    for update in updates {
        assert_known_update(update);
    }
}

#[tokio::test]
async fn a_demo_message_without_a_known_action_is_refused() {
    let stand_in = TelegramStandIn::start().unwrap();
    let (status, _) = demo(&stand_in, CHAT, json!({"sticker": "x"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn get_updates_waits_for_an_update_pushed_while_it_waits() {
    let stand_in = TelegramStandIn::start().unwrap();
    let url = method_url(&stand_in, "getUpdates");
    let started = Instant::now();
    let poll = tokio::spawn(async move {
        let response = reqwest::Client::new()
            .post(url)
            .json(&json!({"timeout": 10}))
            .send()
            .await
            .unwrap();
        response.json::<Value>().await.unwrap()
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    stand_in.push_update(json!({"update_id": 734_519_201, "message": {
        "message_id": 1, "date": 1_760_412_345,
        "chat": {"id": CHAT, "type": "private", "first_name": "Demo"}, "text": "hello"}}));
    let answer = poll.await.unwrap();

    assert_eq!(answer["result"][0]["update_id"], 734_519_201);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn get_updates_answers_an_empty_list_once_the_timeout_passes() {
    let stand_in = TelegramStandIn::start().unwrap();
    let started = Instant::now();

    let (status, answer) = call(&stand_in, "getUpdates", json!({"timeout": 1})).await;

    assert_eq!(status, 200);
    assert_eq!(answer["result"], json!([]));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn confirming_by_offset_drops_older_updates_for_good() {
    let stand_in = TelegramStandIn::start().unwrap();
    for update_id in [100, 101, 102] {
        stand_in.push_update(json!({"update_id": update_id, "poll": {}}));
    }

    let (_, answer) = call(&stand_in, "getUpdates", json!({"offset": 102})).await;
    assert_eq!(answer["result"].as_array().unwrap().len(), 1);
    let (_, answer) = call(&stand_in, "getUpdates", json!({})).await;
    assert_eq!(answer["result"][0]["update_id"], 102);
}

#[tokio::test]
async fn pushed_updates_without_an_id_are_numbered_after_every_earlier_one() {
    let stand_in = TelegramStandIn::start().unwrap();
    stand_in.push_update(json!({"update_id": 500, "poll": {}}));
    stand_in.push_update(json!({"poll": {}}));

    let (_, answer) = call(&stand_in, "getUpdates", json!({})).await;
    let assigned = answer["result"][1]["update_id"].as_i64().unwrap();
    assert!(assigned > 500, "{assigned}");
}

#[tokio::test]
async fn get_updates_is_refused_while_a_webhook_is_set() {
    let stand_in = TelegramStandIn::start().unwrap();
    call(
        &stand_in,
        "setWebhook",
        json!({"url": "https://hotline.example.org/hook"}),
    )
    .await;

    let (status, answer) = call(&stand_in, "getUpdates", json!({})).await;

    assert_eq!(status, 409);
    assert_eq!(answer["error_code"], 409);
}

#[tokio::test]
async fn teloxide_reads_every_answer_and_its_multipart_set_webhook_is_understood() {
    let stand_in = TelegramStandIn::start().unwrap();
    let bot = Bot::new(TOKEN).set_api_url(reqwest::Url::parse(&stand_in.api_url()).unwrap());

    let me = bot.get_me().await.unwrap();
    assert_eq!(me.user.id.0, 7_012_345_678);
    assert!(me.user.is_bot);

    let keyboard =
        InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("ได้", "consent:yes")]]);
    let message = bot
        .send_message(ChatId(CHAT), "เราโทรกลับหาคุณได้ไหม")
        .reply_markup(keyboard.clone())
        .await
        .unwrap();
    assert_eq!(message.chat.id, ChatId(CHAT));
    assert_eq!(message.text(), Some("เราโทรกลับหาคุณได้ไหม"));
    assert_eq!(message.reply_markup(), Some(&keyboard));

    // teloxide sends setWebhook as multipart/form-data.
    let hook = reqwest::Url::parse("https://hotline.example.org/webhooks/telegram").unwrap();
    bot.set_webhook(hook.clone())
        .secret_token(SECRET)
        .await
        .unwrap();
    assert_eq!(
        stand_in.webhook(),
        Some((hook.to_string(), Some(SECRET.to_owned())))
    );
    let info = bot.get_webhook_info().await.unwrap();
    assert_eq!(info.url, Some(hook));

    bot.answer_callback_query("2206781342567120911".to_owned().into())
        .await
        .unwrap();
    bot.delete_webhook().await.unwrap();
    assert_eq!(stand_in.webhook(), None);
    let updates = bot.get_updates().timeout(0).await.unwrap();
    assert!(updates.is_empty());
}

#[tokio::test]
async fn form_and_query_string_parameters_are_read_like_json() {
    let stand_in = TelegramStandIn::start().unwrap();
    let http = reqwest::Client::new();

    let form = http
        .post(method_url(&stand_in, "sendMessage"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "chat_id={CHAT}&text=hello%20there&reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22Yes%22%2C%22callback_data%22%3A%22y%22%7D%5D%5D%7D"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let query = http
        .get(format!(
            "{}?chat_id={CHAT}&text=second",
            method_url(&stand_in, "sendmessage")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);

    assert_eq!(stand_in.texts_sent_to(CHAT), vec!["hello there", "second"]);
    assert_eq!(
        stand_in.sent_messages()[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "y"
    );
}

#[tokio::test]
async fn unknown_methods_are_not_found_and_malformed_tokens_unauthorized() {
    let stand_in = TelegramStandIn::start().unwrap();

    let (status, answer) = call(&stand_in, "sendTelepathy", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(
        answer,
        json!({"ok": false, "error_code": 404, "description": "Not Found"})
    );

    let response = reqwest::Client::new()
        .post(format!("{}/botnot-a-token/getMe", stand_in.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn queued_failures_are_served_once_each_in_order() {
    let stand_in = TelegramStandIn::start().unwrap();
    stand_in.fail_next("sendMessage", Failure::TooManyRequests { retry_after: 3 });
    stand_in.fail_next("sendMessage", Failure::ServerError);
    let body = json!({"chat_id": CHAT, "text": "hello"});

    let (first, answer) = call(&stand_in, "sendMessage", body.clone()).await;
    let (second, _) = call(&stand_in, "sendMessage", body.clone()).await;
    let (third, _) = call(&stand_in, "sendMessage", body).await;

    assert_eq!((first, second, third), (429, 500, 200));
    assert_eq!(answer["parameters"]["retry_after"], 3);
    assert_eq!(answer["description"], "Too Many Requests: retry after 3");
    assert_eq!(stand_in.requests().len(), 3);
    assert_eq!(stand_in.sent_messages().len(), 1);
}

#[tokio::test]
async fn the_demo_lists_what_the_bot_sent_to_a_chat_with_its_buttons() {
    let stand_in = TelegramStandIn::start().unwrap();
    call(&stand_in, "sendMessage", json!({"chat_id": CHAT, "text": "สวัสดี", "reply_markup": {
        "inline_keyboard": [[{"text": "ไทย", "callback_data": "lang:th"}, {"text": "English", "callback_data": "lang:en"}]]}})).await;
    call(&stand_in, "sendMessage", json!({"chat_id": CHAT, "text": "May we call you?", "reply_markup": {
        "keyboard": [[{"text": "Share my number", "request_contact": true}]], "one_time_keyboard": true}})).await;
    call(
        &stand_in,
        "sendMessage",
        json!({"chat_id": 42, "text": "someone else"}),
    )
    .await;

    let listed: Value = reqwest::get(demo_url(&stand_in, CHAT))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(
        listed,
        json!([
            {"text": "สวัสดี", "buttons": [[{"label": "ไทย", "data": "lang:th"}, {"label": "English", "data": "lang:en"}]]},
            {"text": "May we call you?", "buttons": [], "request_contact": "Share my number"},
        ])
    );
}

#[tokio::test]
async fn a_dropped_stand_in_stops_serving() {
    let stand_in = TelegramStandIn::start().unwrap();
    let url = method_url(&stand_in, "getMe");
    drop(stand_in);

    let result = reqwest::Client::new()
        .post(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(result.is_err());
}
