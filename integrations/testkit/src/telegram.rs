//! A stand-in for the Telegram Bot API, plus demo endpoints that play the person in the chat.
//!
//! Bot API side (`/bot<token>/<method>`, GET or POST, JSON, form, multipart or query string):
//! getMe, sendMessage, answerCallbackQuery, setWebhook, deleteWebhook, getWebhookInfo,
//! getUpdates (long polling) and deleteMessage, answering in Telegram's
//! `{"ok":true,"result":...}` / `{"ok":false,"error_code":...,"description":...}` shapes, with
//! results that parse in teloxide-core 0.13 (Bot API 9.1).
//!
//! Demo side: `POST /demo/chats/<chat_id>/messages` with `{"text"}`, `{"start"}`,
//! `{"choice"}` or `{"contact"}` builds the update Telegram would send when a person does that,
//! and delivers it the way Telegram would (to the webhook if one is set, else to getUpdates).
//! `GET /demo/chats/<chat_id>/messages` lists what the bot sent to that chat.

use crate::background::BackgroundServer;
use crate::multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// A way to make the next call of a method fail, as Telegram does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 429 with `parameters.retry_after`.
    TooManyRequests { retry_after: u32 },
    /// 500 Internal Server Error.
    ServerError,
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
}

/// One call the stand-in received, whatever its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The method as written in the URL (Telegram's method names are case-insensitive).
    pub method: String,
    pub token: String,
    /// The parameters as one JSON object, however they were sent. Form and multipart values
    /// are strings, except fields Telegram defines as JSON-serialised (reply_markup,
    /// allowed_updates...), which are decoded.
    pub body: Value,
}

/// The Telegram stand-in; serves until dropped.
pub struct TelegramStandIn {
    shared: Arc<Shared>,
    server: BackgroundServer,
}

impl TelegramStandIn {
    /// Starts on a free port of 127.0.0.1.
    pub fn start() -> io::Result<Self> {
        Self::start_on(0)
    }

    /// Starts on 127.0.0.1:`port` (0 picks a free port).
    pub fn start_on(port: u16) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(io::Error::other)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            new_update: Notify::new(),
            http,
        });
        let data = web::Data::from(Arc::clone(&shared));
        let server = BackgroundServer::start(listener, "telegram-stand-in", move |config| {
            config
                .app_data(data.clone())
                // Multipart calls may carry a certificate; real ones stay far below this.
                .app_data(web::PayloadConfig::new(8 * 1024 * 1024))
                .service(
                    web::resource("/bot{token}/{method}")
                        .route(web::get().to(bot_api))
                        .route(web::post().to(bot_api)),
                )
                .service(
                    web::resource("/demo/chats/{chat_id}/messages")
                        .route(web::post().to(demo_send))
                        .route(web::get().to(demo_list)),
                );
        })?;
        Ok(Self { shared, server })
    }

    /// The Bot API base URL to give a client, e.g. `http://127.0.0.1:PORT`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.server.address())
    }

    /// Every Bot API call received, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// The request bodies of successful sendMessage calls, in order.
    pub fn sent_messages(&self) -> Vec<Value> {
        self.shared
            .state()
            .sent
            .iter()
            .map(|sent| sent.request.clone())
            .collect()
    }

    /// The texts of successful sendMessage calls to one chat, in order.
    pub fn texts_sent_to(&self, chat_id: i64) -> Vec<String> {
        self.shared
            .state()
            .sent
            .iter()
            .filter(|sent| sent.chat_id == chat_id)
            .filter_map(|sent| text_field(&sent.request, "text"))
            .collect()
    }

    /// Makes the next call of `method` fail once, the given way. Several calls queue up.
    pub fn fail_next(&self, method: &str, failure: Failure) {
        self.shared
            .state()
            .failures
            .entry(method.to_ascii_lowercase())
            .or_default()
            .push_back(failure);
    }

    /// Queues an update for getUpdates. One without `update_id` gets the next free id.
    pub fn push_update(&self, update: Value) {
        self.shared.queue_update(update);
    }

    /// The webhook URL and secret token from the last setWebhook, if one is set.
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        self.shared
            .state()
            .webhook
            .as_ref()
            .map(|hook| (hook.url.clone(), hook.secret.clone()))
    }
}

struct Shared {
    state: Mutex<State>,
    /// Wakes long-polling getUpdates calls when an update is queued.
    new_update: Notify,
    /// For delivering demo updates to the webhook.
    http: reqwest::Client,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not take every later assertion down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues an update and returns its id.
    fn queue_update(&self, mut update: Value) -> i64 {
        let update_id = {
            let mut state = self.state();
            let update_id = match update.get("update_id").and_then(Value::as_i64) {
                Some(id) => id,
                None => state.next_update_id,
            };
            if let Some(object) = update.as_object_mut() {
                object.insert("update_id".into(), json!(update_id));
            }
            state.next_update_id = state.next_update_id.max(update_id + 1);
            state.pending_updates.push_back(update);
            update_id
        };
        self.new_update.notify_waiters();
        update_id
    }
}

struct State {
    requests: Vec<RecordedRequest>,
    sent: Vec<SentMessage>,
    failures: HashMap<String, VecDeque<Failure>>,
    pending_updates: VecDeque<Value>,
    next_update_id: i64,
    next_message_id: i64,
    next_callback_id: u64,
    webhook: Option<Webhook>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            requests: Vec::new(),
            sent: Vec::new(),
            failures: HashMap::new(),
            pending_updates: VecDeque::new(),
            // Realistic magnitudes, so nothing downstream relies on small numbers.
            next_update_id: 820_000_001,
            next_message_id: 101,
            next_callback_id: 1,
            webhook: None,
        }
    }
}

struct SentMessage {
    chat_id: i64,
    request: Value,
    /// The Message returned to the bot; a demo button press points back at it.
    message: Value,
}

struct Webhook {
    url: String,
    secret: Option<String>,
    allowed_updates: Option<Value>,
}

/// Parameters Telegram defines as JSON-serialised when sent as form fields.
const JSON_ENCODED_FIELDS: &[&str] = &[
    "reply_markup",
    "allowed_updates",
    "entities",
    "caption_entities",
    "link_preview_options",
    "reply_parameters",
    "media",
    "commands",
    "results",
];

const BOT_FIRST_NAME: &str = "Hotline Stand-in";
const BOT_USERNAME: &str = "hotline_standin_bot";

/// Longest getUpdates wait honoured, so a mistaken huge timeout cannot hang a test run.
const MAX_POLL_SECONDS: u64 = 600;

async fn bot_api(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let (token, method) = path.into_inner();
    let params = match read_params(&request, &body) {
        Ok(params) => params,
        Err(problem) => {
            return api_error(StatusCode::BAD_REQUEST, &format!("Bad Request: {problem}"));
        }
    };
    let bot_id = bot_id_from_token(&token);
    let failure = {
        let mut state = shared.state();
        state.requests.push(RecordedRequest {
            method: method.clone(),
            token,
            body: Value::Object(params.clone()),
        });
        // A call Telegram would refuse for its token does not use up a queued failure.
        bot_id.and_then(|_| {
            state
                .failures
                .get_mut(&method.to_ascii_lowercase())
                .and_then(VecDeque::pop_front)
        })
    };
    let Some(bot_id) = bot_id else {
        return api_error(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    if let Some(failure) = failure {
        return failure_response(failure);
    }

    match method.to_ascii_lowercase().as_str() {
        "getme" => api_ok(json!({
            "id": bot_id,
            "is_bot": true,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
            "can_join_groups": false,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })),
        "sendmessage" => send_message(&shared, bot_id, params),
        "answercallbackquery" => match text_param(&params, "callback_query_id") {
            Some(_) => api_ok(json!(true)),
            None => api_error(
                StatusCode::BAD_REQUEST,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            ),
        },
        "setwebhook" => set_webhook(&shared, &params),
        "deletewebhook" => {
            let mut state = shared.state();
            state.webhook = None;
            if bool_param(&params, "drop_pending_updates") {
                state.pending_updates.clear();
            }
            api_ok(json!(true))
        }
        "getwebhookinfo" => {
            let state = shared.state();
            let mut info = json!({
                "url": state.webhook.as_ref().map_or("", |hook| hook.url.as_str()),
                "has_custom_certificate": false,
                "pending_update_count": state.pending_updates.len(),
            });
            if let (Some(hook), Some(object)) = (&state.webhook, info.as_object_mut()) {
                object.insert("max_connections".into(), json!(40));
                if let Some(allowed) = &hook.allowed_updates {
                    object.insert("allowed_updates".into(), allowed.clone());
                }
            }
            api_ok(info)
        }
        "getupdates" => get_updates(&shared, &params).await,
        "deletemessage" => api_ok(json!(true)),
        "setmyname" => match text_param(&params, "name") {
            Some(name) if name.chars().count() > 64 => {
                api_error(StatusCode::BAD_REQUEST, "Bad Request: bot name is too long")
            }
            _ => api_ok(json!(true)),
        },
        _ => api_error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn send_message(shared: &Shared, bot_id: i64, params: Map<String, Value>) -> HttpResponse {
    let Some(chat_id) = int_param(&params, "chat_id") else {
        return api_error(StatusCode::BAD_REQUEST, "Bad Request: chat not found");
    };
    let text = text_param(&params, "text").unwrap_or_default();
    if text.trim().is_empty() {
        return api_error(
            StatusCode::BAD_REQUEST,
            "Bad Request: message text is empty",
        );
    }
    let mut state = shared.state();
    let message_id = state.next_message_id;
    state.next_message_id += 1;
    let mut message = json!({
        "message_id": message_id,
        "date": unix_now(),
        "chat": chat_json(chat_id),
        "from": bot_user_json(bot_id),
        "text": text,
    });
    // Telegram echoes only inline keyboards in the sent Message; reply keyboards (such as a
    // share-contact button) are not part of it.
    if let Some(markup) = params
        .get("reply_markup")
        .filter(|m| m.get("inline_keyboard").is_some())
        && let Some(object) = message.as_object_mut()
    {
        object.insert("reply_markup".into(), markup.clone());
    }
    state.sent.push(SentMessage {
        chat_id,
        request: Value::Object(params),
        message: message.clone(),
    });
    api_ok(message)
}

fn set_webhook(shared: &Shared, params: &Map<String, Value>) -> HttpResponse {
    let url = text_param(params, "url").unwrap_or_default();
    let mut state = shared.state();
    // As on Telegram, an empty url removes the webhook. Unlike Telegram, plain http is
    // accepted: test receivers run on loopback without TLS.
    state.webhook = (!url.is_empty()).then(|| Webhook {
        url,
        secret: text_param(params, "secret_token").filter(|s| !s.is_empty()),
        allowed_updates: params.get("allowed_updates").cloned(),
    });
    api_ok(json!(true))
}

async fn get_updates(shared: &Shared, params: &Map<String, Value>) -> HttpResponse {
    if shared.state().webhook.is_some() {
        return api_error(
            StatusCode::CONFLICT,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
    }
    let limit = int_param(params, "limit").unwrap_or(100).clamp(1, 100);
    let limit = usize::try_from(limit).unwrap_or(100);
    let timeout = int_param(params, "timeout").unwrap_or(0);
    let timeout = Duration::from_secs(u64::try_from(timeout).unwrap_or(0).min(MAX_POLL_SECONDS));
    let deadline = tokio::time::Instant::now() + timeout;

    // An offset confirms every update below it: they are gone for good. A negative offset
    // asks for the last updates only, as on Telegram.
    if let Some(offset) = int_param(params, "offset") {
        let mut state = shared.state();
        if offset >= 0 {
            state
                .pending_updates
                .retain(|update| update_id_of(update) >= offset);
        } else {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            let excess = state.pending_updates.len().saturating_sub(keep);
            state.pending_updates.drain(..excess);
        }
    }

    loop {
        // Registered before looking, so an update queued between the look and the wait still
        // wakes this call.
        let notified = shared.new_update.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let state = shared.state();
            if !state.pending_updates.is_empty() {
                let updates: Vec<Value> =
                    state.pending_updates.iter().take(limit).cloned().collect();
                return api_ok(Value::Array(updates));
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return api_ok(json!([]));
        }
    }
}

/// What a person can do in the demo chat; exactly one field is expected.
async fn demo_send(
    path: web::Path<i64>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let chat_id = path.into_inner();
    // Read as JSON whatever the content type says: `curl -d` sends a form type by default.
    let Ok(Value::Object(action)) = serde_json::from_slice::<Value>(&body) else {
        return demo_error("send a JSON object");
    };
    let language = action.get("language").and_then(Value::as_str);
    let update = {
        let mut state = shared.state();
        let person = person_json(chat_id, language);
        if let Some(data) = action.get("choice").and_then(Value::as_str) {
            let query_id = format!("{:x}{:08x}", chat_id.unsigned_abs(), state.next_callback_id);
            state.next_callback_id += 1;
            let mut query = json!({
                "id": query_id,
                "from": person,
                "chat_instance": format!("-{}", chat_id.unsigned_abs().wrapping_mul(7919)),
                "data": data,
            });
            let last_bot_message = state
                .sent
                .iter()
                .rev()
                .find(|sent| sent.chat_id == chat_id)
                .map(|sent| sent.message.clone());
            if let (Some(message), Some(object)) = (last_bot_message, query.as_object_mut()) {
                object.insert("message".into(), message);
            }
            json!({ "callback_query": query })
        } else {
            let content = if let Some(text) = action.get("text").and_then(Value::as_str) {
                json!({ "text": text })
            } else if let Some(start) = action.get("start") {
                let text = match start.as_str().map(str::trim) {
                    Some(parameter) if !parameter.is_empty() => format!("/start {parameter}"),
                    _ => "/start".to_owned(),
                };
                json!({
                    "text": text,
                    "entities": [{ "type": "bot_command", "offset": 0, "length": 6 }],
                })
            } else if let Some(phone) = action.get("contact").and_then(Value::as_str) {
                json!({
                    "contact": { "phone_number": phone, "first_name": "Demo", "user_id": chat_id },
                })
            } else {
                return demo_error(
                    "send one of {\"text\"}, {\"start\"}, {\"choice\"} or {\"contact\"}",
                );
            };
            let message_id = state.next_message_id;
            state.next_message_id += 1;
            let mut message = json!({
                "message_id": message_id,
                "date": unix_now(),
                "from": person,
                "chat": chat_json(chat_id),
            });
            if let (Some(message), Some(content)) = (message.as_object_mut(), content.as_object()) {
                message.extend(content.clone());
            }
            json!({ "message": message })
        }
    };

    let webhook = shared
        .state()
        .webhook
        .as_ref()
        .map(|hook| (hook.url.clone(), hook.secret.clone()));
    match webhook {
        Some((url, secret)) => {
            // The id is taken here rather than queued, as Telegram does for webhook delivery.
            let update = {
                let mut state = shared.state();
                let update_id = state.next_update_id;
                state.next_update_id += 1;
                with_update_id(update, update_id)
            };
            let update_id = update_id_of(&update);
            let mut post = shared.http.post(&url).json(&update);
            if let Some(secret) = secret {
                post = post.header("X-Telegram-Bot-Api-Secret-Token", secret);
            }
            match post.send().await {
                Ok(response) => HttpResponse::Ok().json(json!({
                    "delivered_to": "webhook",
                    "status": response.status().as_u16(),
                    "update_id": update_id,
                })),
                Err(_) => HttpResponse::BadGateway().json(json!({
                    "delivered_to": "webhook",
                    "error": "the webhook could not be reached",
                    "update_id": update_id,
                })),
            }
        }
        None => {
            let update_id = shared.queue_update(update);
            HttpResponse::Ok().json(json!({
                "delivered_to": "getUpdates",
                "update_id": update_id,
            }))
        }
    }
}

/// What the bot sent to one chat, in the demo's plain shape.
async fn demo_list(path: web::Path<i64>, shared: web::Data<Shared>) -> HttpResponse {
    let chat_id = path.into_inner();
    let state = shared.state();
    let messages: Vec<Value> = state
        .sent
        .iter()
        .filter(|sent| sent.chat_id == chat_id)
        .map(|sent| {
            let markup = sent.request.get("reply_markup");
            let buttons: Vec<Value> = markup
                .and_then(|m| m.get("inline_keyboard"))
                .and_then(Value::as_array)
                .map(|rows| {
                    rows.iter()
                        .map(|row| {
                            let row = row.as_array().map(Vec::as_slice).unwrap_or_default();
                            Value::Array(
                                row.iter()
                                    .map(|button| {
                                        json!({
                                            "label": button.get("text"),
                                            "data": button.get("callback_data"),
                                        })
                                    })
                                    .collect(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut entry = json!({
                "text": text_field(&sent.request, "text"),
                "buttons": buttons,
            });
            let contact_button = markup
                .and_then(|m| m.get("keyboard"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .flatten()
                .find(|button| button.get("request_contact") == Some(&Value::Bool(true)))
                .and_then(|button| button.get("text").cloned());
            if let (Some(label), Some(object)) = (contact_button, entry.as_object_mut()) {
                object.insert("request_contact".into(), label);
            }
            entry
        })
        .collect();
    HttpResponse::Ok().json(messages)
}

/// All parameters of a call as one object: the query string first, then the body.
fn read_params(request: &HttpRequest, body: &[u8]) -> Result<Map<String, Value>, String> {
    let mut params = Map::new();
    for (name, value) in url::form_urlencoded::parse(request.query_string().as_bytes()) {
        params.insert(name.to_string(), decode_field(&name, &value));
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if body.is_empty() {
        return Ok(params);
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        for (name, value) in url::form_urlencoded::parse(body) {
            params.insert(name.to_string(), decode_field(&name, &value));
        }
    } else if content_type.starts_with("multipart/form-data") {
        // The boundary is case-sensitive, so it is read from the original header.
        let original = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let boundary = multipart::boundary(original).ok_or("multipart body without a boundary")?;
        for (name, value) in multipart::text_fields(body, boundary)? {
            let value = decode_field(&name, &value);
            params.insert(name, value);
        }
    } else {
        // JSON, whether or not the client said so.
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(object)) => params.extend(object),
            Ok(_) => return Err("the JSON body is not an object".into()),
            Err(_) => return Err("the body is not valid JSON".into()),
        }
    }
    Ok(params)
}

/// A form or multipart field as JSON: decoded for fields Telegram defines as JSON-serialised,
/// a string otherwise.
fn decode_field(name: &str, value: &str) -> Value {
    if JSON_ENCODED_FIELDS.contains(&name)
        && let Ok(decoded) = serde_json::from_str::<Value>(value)
    {
        return decoded;
    }
    Value::String(value.to_owned())
}

/// An integer parameter, whether sent as a JSON number or as text.
fn int_param(params: &Map<String, Value>, name: &str) -> Option<i64> {
    match params.get(name)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn text_param(params: &Map<String, Value>, name: &str) -> Option<String> {
    match params.get(name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn bool_param(params: &Map<String, Value>, name: &str) -> bool {
    match params.get(name) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text.eq_ignore_ascii_case("true") || text == "1",
        _ => false,
    }
}

fn text_field(body: &Value, name: &str) -> Option<String> {
    body.as_object().and_then(|object| text_param(object, name))
}

fn update_id_of(update: &Value) -> i64 {
    update
        .get("update_id")
        .and_then(Value::as_i64)
        .unwrap_or_default()
}

fn with_update_id(mut update: Value, update_id: i64) -> Value {
    if let Some(object) = update.as_object_mut() {
        object.insert("update_id".into(), json!(update_id));
    }
    update
}

/// The numeric part of a token (`<bot id>:<secret>`); anything else is not a token.
fn bot_id_from_token(token: &str) -> Option<i64> {
    let (id, secret) = token.split_once(':')?;
    if secret.is_empty() {
        return None;
    }
    id.parse().ok().filter(|id: &i64| *id > 0)
}

fn chat_json(chat_id: i64) -> Value {
    if chat_id > 0 {
        json!({ "id": chat_id, "type": "private", "first_name": "Demo" })
    } else if chat_id.to_string().starts_with("-100") {
        json!({ "id": chat_id, "type": "supergroup", "title": "Demo group" })
    } else {
        json!({ "id": chat_id, "type": "group", "title": "Demo group" })
    }
}

fn person_json(user_id: i64, language: Option<&str>) -> Value {
    let mut person = json!({ "id": user_id, "is_bot": false, "first_name": "Demo" });
    if let (Some(language), Some(object)) = (language, person.as_object_mut()) {
        object.insert("language_code".into(), json!(language));
    }
    person
}

fn bot_user_json(bot_id: i64) -> Value {
    json!({
        "id": bot_id,
        "is_bot": true,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
    })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

fn api_ok(result: Value) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "ok": true, "result": result }))
}

fn api_error(status: StatusCode, description: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "ok": false,
        "error_code": status.as_u16(),
        "description": description,
    }))
}

fn failure_response(failure: Failure) -> HttpResponse {
    match failure {
        Failure::TooManyRequests { retry_after } => HttpResponse::TooManyRequests().json(json!({
            "ok": false,
            "error_code": 429,
            "description": format!("Too Many Requests: retry after {retry_after}"),
            "parameters": { "retry_after": retry_after },
        })),
        Failure::ServerError => {
            api_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
        Failure::Blocked => api_error(
            StatusCode::FORBIDDEN,
            "Forbidden: bot was blocked by the user",
        ),
    }
}

fn demo_error(problem: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({ "error": problem }))
}
