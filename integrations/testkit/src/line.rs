//! A stand-in for the LINE Messaging API, the webhook side of LINE, and demo endpoints that
//! play the person in the chat.
//!
//! API side (`Authorization: Bearer <channel access token>`, JSON): `POST /v2/bot/message/reply`,
//! `POST /v2/bot/message/push` (with `X-Line-Retry-Key`) and `GET /v2/bot/profile/<userId>`,
//! answering in LINE's shapes (`{"sentMessages":[...]}`, `{"message":..,"details":[..]}`) and
//! keeping the two LINE rules a hotline depends on: a reply token works once and only for a short
//! time, and a push retried with an already accepted key is answered 409 and not delivered again.
//!
//! Webhook side: events built as LINE builds them (ULID `webhookEventId`, reply tokens that the
//! API side then accepts), in a body signed with the channel secret (`x-line-signature`) and
//! posted to the app's webhook.
//!
//! Demo side: `POST /demo/users/<userId>/messages` with `{"text"}`, `{"follow":true}`,
//! `{"unfollow":true}` or `{"choice"}` sends the event LINE would send when a person does that.
//! `GET /demo/users/<userId>/messages` lists the message objects delivered to that person.

use crate::background::BackgroundServer;
use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// An API endpoint of the stand-in, for queueing failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineEndpoint {
    /// `POST /v2/bot/message/reply`
    Reply,
    /// `POST /v2/bot/message/push`
    Push,
    /// `GET /v2/bot/profile/{userId}`
    Profile,
}

/// A way to make the next call of an endpoint fail, as LINE can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFailure {
    /// 429 `{"message":"The API rate limit has been exceeded. Try again later."}`; nothing is
    /// processed.
    TooManyRequests,
    /// 500 `{"message":"Internal server error"}`; nothing is processed.
    ServerError,
    /// The call is processed as usual (a push is delivered and its retry key remembered, a
    /// reply token used up), but the answer is a 500 whatever the outcome: the response was
    /// lost on the way back. This is the case retry keys exist for.
    AcceptedThenServerError,
}

/// One API call the stand-in received, whatever its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRequest {
    /// The URL path, e.g. `/v2/bot/message/push`.
    pub path: String,
    /// The `X-Line-Retry-Key` header as sent.
    pub retry_key: Option<String>,
    /// Whether the bearer token was the channel access token.
    pub authorized: bool,
    /// The status the stand-in answered.
    pub status: u16,
    /// The body as JSON; `null` when empty, a string when not JSON.
    pub body: Value,
}

/// The LINE stand-in; serves until dropped.
pub struct LineStandIn {
    shared: Arc<Shared>,
    server: BackgroundServer,
}

impl LineStandIn {
    /// Starts on a free port of 127.0.0.1, for a channel with this secret and access token.
    pub fn start(channel_secret: &str, access_token: &str) -> io::Result<Self> {
        Self::start_on(0, channel_secret, access_token)
    }

    /// Starts on 127.0.0.1:`port` (0 picks a free port).
    pub fn start_on(port: u16, channel_secret: &str, access_token: &str) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            // `deliver` runs on the caller's runtime and the demo on the server's; a pooled
            // connection belongs to the runtime that opened it and dies with it, so none is kept.
            .pool_max_idle_per_host(0)
            .user_agent("LineBotWebhook/2.0")
            .build()
            .map_err(io::Error::other)?;
        let mut ids = Ids::new(listener.local_addr()?);
        let destination = format!("U{}", ids.hex(16));
        let shared = Arc::new(Shared {
            channel_secret: channel_secret.to_owned(),
            access_token: access_token.to_owned(),
            destination,
            http,
            state: Mutex::new(State::new(ids)),
        });
        let data = web::Data::from(Arc::clone(&shared));
        let server = BackgroundServer::start(listener, "line-stand-in", move |config| {
            config
                .app_data(data.clone())
                .route("/v2/bot/message/reply", web::post().to(reply))
                .route("/v2/bot/message/push", web::post().to(push))
                .route("/v2/bot/profile/{user_id}", web::get().to(profile))
                .service(
                    web::resource("/demo/users/{user_id}/messages")
                        .route(web::post().to(demo_send))
                        .route(web::get().to(demo_list)),
                )
                .default_service(web::to(not_found));
        })?;
        Ok(Self { shared, server })
    }

    /// The API base URL to give the app instead of `https://api.line.me`, e.g.
    /// `http://127.0.0.1:PORT`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.server.address())
    }

    /// Where `deliver` and the demo post webhook bodies. An empty URL removes it.
    pub fn set_webhook(&self, url: &str) {
        self.shared.state().webhook = (!url.is_empty()).then(|| url.to_owned());
    }

    /// How long a reply token is accepted after its event was built; 60 s of real time by
    /// default, as LINE documents. It applies to tokens already issued too.
    pub fn set_reply_token_lifetime(&self, lifetime: Duration) {
        self.shared.state().reply_token_lifetime = lifetime;
    }

    /// Expires every reply token issued so far, as if their lifetime had passed; tokens issued
    /// later are not affected.
    pub fn expire_reply_tokens(&self) {
        for token in self.shared.state().reply_tokens.values_mut() {
            token.expired = true;
        }
    }

    /// The `language` the profile endpoint answers for this user ("th" unless set).
    pub fn set_profile_language(&self, user_id: &str, language: &str) {
        self.shared
            .state()
            .languages
            .insert(user_id.to_owned(), language.to_owned());
    }

    /// Makes the next call of `endpoint` fail once, the given way. Several failures queue up;
    /// a call refused for its access token does not use one.
    pub fn fail_next(&self, endpoint: LineEndpoint, failure: LineFailure) {
        self.shared
            .state()
            .failures
            .entry(endpoint)
            .or_default()
            .push_back(failure);
    }

    /// Every API call received (unknown paths included), in order, whatever its outcome.
    pub fn requests(&self) -> Vec<LineRequest> {
        self.shared.state().requests.clone()
    }

    /// The message objects delivered to a user by reply or push, in order.
    pub fn messages_sent_to(&self, user_id: &str) -> Vec<Value> {
        self.shared
            .state()
            .delivered
            .iter()
            .filter(|delivered| delivered.user_id == user_id)
            .map(|delivered| delivered.message.clone())
            .collect()
    }

    /// The `text` of the text messages delivered to a user, in order.
    pub fn texts_sent_to(&self, user_id: &str) -> Vec<String> {
        self.messages_sent_to(user_id)
            .iter()
            .filter_map(|message| message.get("text").and_then(Value::as_str))
            .map(str::to_owned)
            .collect()
    }

    /// How many reply and push calls delivered their messages, including ones whose answer was
    /// lost (`AcceptedThenServerError`): replies are free on LINE, pushes count against the
    /// quota.
    pub fn replies_and_pushes(&self) -> (usize, usize) {
        let state = self.shared.state();
        (state.replies, state.pushes)
    }

    /// A text message event from a user, with a fresh reply token.
    pub fn text_event(&self, user_id: &str, text: &str) -> Value {
        self.shared.text_event(user_id, text)
    }

    /// A message event from a user, with a fresh reply token, for any message object (sticker,
    /// image, video, audio, file, location...). An `id` is added if absent, and a `quoteToken`
    /// for the types LINE gives one (text, sticker, image, video).
    pub fn message_event(&self, user_id: &str, message: Value) -> Value {
        self.shared.message_event(user_id, message)
    }

    /// A follow event (the user added the account as a friend), with a fresh reply token.
    pub fn follow_event(&self, user_id: &str) -> Value {
        self.shared.follow_event(user_id)
    }

    /// An unfollow event (the user blocked the account). As on LINE it has no reply token:
    /// there is no one left to reply to.
    pub fn unfollow_event(&self, user_id: &str) -> Value {
        self.shared.unfollow_event(user_id)
    }

    /// A postback event (the user chose a postback action), with a fresh reply token.
    pub fn postback_event(&self, user_id: &str, data: &str) -> Value {
        self.shared.postback_event(user_id, data)
    }

    /// The webhook body LINE would send for these events, as compact JSON:
    /// `{"destination":"U<32 hex>","events":[...]}`. The destination is fixed per stand-in.
    pub fn webhook_body(&self, events: &[Value]) -> String {
        self.shared.webhook_body(events)
    }

    /// The `x-line-signature` LINE would send with this body:
    /// Base64(HMAC-SHA256(channel secret, body)).
    pub fn sign(&self, body: &[u8]) -> String {
        self.shared.sign(body)
    }

    /// Posts these events to the webhook as LINE would (signed body, `x-line-signature`) and
    /// returns the webhook's HTTP status. Fails if no webhook is set or it cannot be reached.
    pub async fn deliver(&self, events: &[Value]) -> io::Result<u16> {
        self.shared.deliver(events).await
    }

    /// Posts any body to the webhook, with the given `x-line-signature` or none, to test how
    /// the app treats forged, tampered or malformed deliveries.
    pub async fn deliver_raw(&self, body: &[u8], signature: Option<&str>) -> io::Result<u16> {
        self.shared.deliver_raw(body, signature).await
    }
}

struct Shared {
    channel_secret: String,
    access_token: String,
    /// The bot's user ID, as LINE puts it in every webhook body.
    destination: String,
    /// For delivering webhook bodies.
    http: reqwest::Client,
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not take every later assertion down with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn text_event(&self, user_id: &str, text: &str) -> Value {
        self.message_event(user_id, json!({ "type": "text", "text": text }))
    }

    fn message_event(&self, user_id: &str, mut message: Value) -> Value {
        if let Some(object) = message.as_object_mut() {
            let mut state = self.state();
            if !object.contains_key("id") {
                object.insert("id".into(), json!(state.ids.message_id()));
            }
            let quotable = matches!(
                object.get("type").and_then(Value::as_str),
                Some("text" | "sticker" | "image" | "video")
            );
            if quotable && !object.contains_key("quoteToken") {
                object.insert("quoteToken".into(), json!(state.ids.quote_token()));
            }
        }
        self.event(user_id, "message", true, Some(("message", message)))
    }

    fn follow_event(&self, user_id: &str) -> Value {
        self.event(
            user_id,
            "follow",
            true,
            Some(("follow", json!({ "isUnblocked": false }))),
        )
    }

    fn unfollow_event(&self, user_id: &str) -> Value {
        self.event(user_id, "unfollow", false, None)
    }

    fn postback_event(&self, user_id: &str, data: &str) -> Value {
        self.event(
            user_id,
            "postback",
            true,
            Some(("postback", json!({ "data": data }))),
        )
    }

    /// An event with LINE's common properties; a reply token, if asked for, is registered so
    /// that the API side accepts it.
    fn event(
        &self,
        user_id: &str,
        kind: &str,
        with_reply_token: bool,
        content: Option<(&str, Value)>,
    ) -> Value {
        let mut state = self.state();
        let mut event = json!({
            "type": kind,
            "mode": "active",
            "timestamp": unix_millis(),
            "webhookEventId": state.ids.ulid(),
            "deliveryContext": { "isRedelivery": false },
            "source": { "type": "user", "userId": user_id },
        });
        if let Some(object) = event.as_object_mut() {
            if with_reply_token {
                let token = state.ids.hex(16);
                state.reply_tokens.insert(
                    token.clone(),
                    ReplyToken {
                        user_id: user_id.to_owned(),
                        issued: Instant::now(),
                        used: false,
                        expired: false,
                    },
                );
                object.insert("replyToken".into(), json!(token));
            }
            if let Some((name, value)) = content {
                object.insert(name.into(), value);
            }
        }
        event
    }

    fn webhook_body(&self, events: &[Value]) -> String {
        json!({ "destination": self.destination, "events": events }).to_string()
    }

    fn sign(&self, body: &[u8]) -> String {
        // HMAC takes keys of any length, so this never fails.
        <Hmac<Sha256> as Mac>::new_from_slice(self.channel_secret.as_bytes())
            .map(|mut mac| {
                mac.update(body);
                STANDARD.encode(mac.finalize().into_bytes())
            })
            .unwrap_or_default()
    }

    async fn deliver(&self, events: &[Value]) -> io::Result<u16> {
        let body = self.webhook_body(events);
        let signature = self.sign(body.as_bytes());
        self.deliver_raw(body.as_bytes(), Some(&signature)).await
    }

    async fn deliver_raw(&self, body: &[u8], signature: Option<&str>) -> io::Result<u16> {
        let Some(url) = self.state().webhook.clone() else {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "no webhook is set for the LINE stand-in",
            ));
        };
        let mut post = self
            .http
            .post(url)
            .header("content-type", "application/json; charset=utf-8")
            .body(body.to_vec());
        if let Some(signature) = signature {
            post = post.header("x-line-signature", signature);
        }
        let response = post.send().await.map_err(io::Error::other)?;
        Ok(response.status().as_u16())
    }

    /// Answers one API call and records it. `endpoint` is `None` for unknown paths.
    fn api_call(
        &self,
        request: &HttpRequest,
        body: &[u8],
        endpoint: Option<LineEndpoint>,
    ) -> HttpResponse {
        let path = request.path().to_owned();
        let retry_key = header(request, "x-line-retry-key");
        let authorized = header(request, AUTHORIZATION.as_str())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim() == self.access_token)
            })
            .unwrap_or(false);
        let json_body = serde_json::from_slice::<Value>(body).ok();

        let mut state = self.state();
        let request_id = state.ids.uuid();
        let call = Call {
            user_id: request.match_info().get("user_id"),
            retry_key: retry_key.as_deref(),
            body: json_body.as_ref(),
            request_id: &request_id,
        };
        let answer = match endpoint {
            None => Answer::message(StatusCode::NOT_FOUND, "Not found"),
            Some(_) if !authorized => Answer::message(
                StatusCode::UNAUTHORIZED,
                "Authentication failed. Confirm that the access token in the authorization header is valid.",
            ),
            Some(endpoint) => {
                let failure = state
                    .failures
                    .get_mut(&endpoint)
                    .and_then(VecDeque::pop_front);
                match failure {
                    None => state.process(endpoint, &call),
                    Some(LineFailure::TooManyRequests) => Answer::message(
                        StatusCode::TOO_MANY_REQUESTS,
                        "The API rate limit has been exceeded. Try again later.",
                    ),
                    Some(LineFailure::ServerError) => server_error(),
                    Some(LineFailure::AcceptedThenServerError) => {
                        drop(state.process(endpoint, &call));
                        server_error()
                    }
                }
            }
        };
        // Wrong methods on demo paths end up here too; they are not API calls.
        if endpoint.is_some() || !path.starts_with("/demo/") {
            let body = match json_body {
                Some(json) => json,
                None if body.is_empty() => Value::Null,
                None => Value::String(String::from_utf8_lossy(body).into_owned()),
            };
            state.requests.push(LineRequest {
                path,
                retry_key,
                authorized,
                status: answer.status.as_u16(),
                body,
            });
        }
        drop(state);

        let mut response = HttpResponse::build(answer.status);
        response.insert_header(("x-line-request-id", request_id));
        if let Some(accepted) = answer.accepted_request_id {
            response.insert_header(("x-line-accepted-request-id", accepted));
        }
        response.json(answer.body)
    }
}

struct State {
    ids: Ids,
    webhook: Option<String>,
    reply_tokens: HashMap<String, ReplyToken>,
    reply_token_lifetime: Duration,
    /// Accepted push retry keys (lowercase), with what their push answered.
    retry_keys: HashMap<String, AcceptedPush>,
    languages: HashMap<String, String>,
    failures: HashMap<LineEndpoint, VecDeque<LineFailure>>,
    requests: Vec<LineRequest>,
    delivered: Vec<Delivered>,
    replies: usize,
    pushes: usize,
}

impl State {
    fn new(ids: Ids) -> Self {
        Self {
            ids,
            webhook: None,
            reply_tokens: HashMap::new(),
            reply_token_lifetime: DEFAULT_REPLY_TOKEN_LIFETIME,
            retry_keys: HashMap::new(),
            languages: HashMap::new(),
            failures: HashMap::new(),
            requests: Vec::new(),
            delivered: Vec::new(),
            replies: 0,
            pushes: 0,
        }
    }

    fn process(&mut self, endpoint: LineEndpoint, call: &Call<'_>) -> Answer {
        match endpoint {
            LineEndpoint::Reply => self.reply(call),
            LineEndpoint::Push => self.push(call),
            LineEndpoint::Profile => {
                let user_id = call.user_id.unwrap_or_default();
                let language = self.languages.get(user_id).map_or("th", String::as_str);
                Answer::ok(json!({
                    "displayName": "Stand-in user",
                    "userId": user_id,
                    "language": language,
                    "pictureUrl": "https://example.invalid/p.png",
                }))
            }
        }
    }

    fn reply(&mut self, call: &Call<'_>) -> Answer {
        let messages = match validate(call.body, "replyToken") {
            Ok(messages) => messages,
            Err(answer) => return answer,
        };
        let token = call
            .body
            .and_then(|body| body.get("replyToken"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let lifetime = self.reply_token_lifetime;
        let Some(token) = self
            .reply_tokens
            .get_mut(token)
            .filter(|token| !token.used && !token.expired && token.issued.elapsed() < lifetime)
        else {
            return Answer::message(StatusCode::BAD_REQUEST, "Invalid reply token");
        };
        token.used = true;
        let user_id = token.user_id.clone();
        let sent = self.deliver(&user_id, messages);
        self.replies += 1;
        Answer::ok(json!({ "sentMessages": sent }))
    }

    fn push(&mut self, call: &Call<'_>) -> Answer {
        let retry_key = match call.retry_key.map(uuid_lowercase) {
            None => None,
            Some(Some(key)) => Some(key),
            Some(None) => {
                return Answer::message(
                    StatusCode::BAD_REQUEST,
                    "The value of the X-Line-Retry-Key header is invalid",
                );
            }
        };
        if let Some(accepted) = retry_key.as_ref().and_then(|key| self.retry_keys.get(key)) {
            return Answer {
                status: StatusCode::CONFLICT,
                body: json!({
                    "message": "The retry key is already accepted",
                    "sentMessages": accepted.sent,
                }),
                accepted_request_id: Some(accepted.request_id.clone()),
            };
        }
        let messages = match validate(call.body, "to") {
            Ok(messages) => messages,
            Err(answer) => return answer,
        };
        let to = call
            .body
            .and_then(|body| body.get("to"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let sent = self.deliver(to, messages);
        self.pushes += 1;
        if let Some(key) = retry_key {
            self.retry_keys.insert(
                key,
                AcceptedPush {
                    request_id: call.request_id.to_owned(),
                    sent: sent.clone(),
                },
            );
        }
        Answer::ok(json!({ "sentMessages": sent }))
    }

    /// Delivers messages to a user; returns LINE's `sentMessages` entries for them.
    fn deliver(&mut self, user_id: &str, messages: &[Value]) -> Vec<Value> {
        let mut sent = Vec::with_capacity(messages.len());
        for message in messages {
            self.delivered.push(Delivered {
                user_id: user_id.to_owned(),
                message: message.clone(),
            });
            sent.push(json!({
                "id": self.ids.message_id(),
                "quoteToken": self.ids.quote_token(),
            }));
        }
        sent
    }
}

/// What an API call brings that its processing needs.
struct Call<'a> {
    /// From the profile path.
    user_id: Option<&'a str>,
    retry_key: Option<&'a str>,
    /// `None` when the body is not JSON.
    body: Option<&'a Value>,
    request_id: &'a str,
}

struct Answer {
    status: StatusCode,
    body: Value,
    /// For 409 on a repeated retry key: the request id of the push that was accepted.
    accepted_request_id: Option<String>,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            accepted_request_id: None,
        }
    }

    fn message(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            body: json!({ "message": message }),
            accepted_request_id: None,
        }
    }
}

struct ReplyToken {
    user_id: String,
    issued: Instant,
    used: bool,
    expired: bool,
}

struct AcceptedPush {
    request_id: String,
    sent: Vec<Value>,
}

struct Delivered {
    user_id: String,
    message: Value,
}

/// LINE: a reply token "must be used within one minute of receiving the webhook".
const DEFAULT_REPLY_TOKEN_LIFETIME: Duration = Duration::from_secs(60);

const MAX_MESSAGES: usize = 5;
const MAX_TEXT_CHARS: usize = 5000;
const MAX_QUICK_REPLY_ITEMS: usize = 13;
const MAX_LABEL_CHARS: usize = 20;
const MAX_ACTION_TEXT_CHARS: usize = 300;

/// Checks a reply or push body as LINE does, for the message features hotline uses. On success
/// returns the messages; on failure the 400 answer listing every error found.
fn validate<'a>(body: Option<&'a Value>, target: &str) -> Result<&'a [Value], Answer> {
    let Some(body) = body.filter(|body| body.is_object()) else {
        return Err(Answer::message(
            StatusCode::BAD_REQUEST,
            "The request body could not be read as a JSON object",
        ));
    };
    let mut errors = Errors::default();
    if !is_non_empty_str(body.get(target)) {
        errors.add(target, "must be specified");
    }
    if body
        .get("notificationDisabled")
        .is_some_and(|flag| !flag.is_boolean())
    {
        errors.add("notificationDisabled", "must be a boolean");
    }
    let messages = match body.get("messages") {
        Some(Value::Array(messages)) if (1..=MAX_MESSAGES).contains(&messages.len()) => {
            for (index, message) in messages.iter().enumerate() {
                validate_message(&format!("messages[{index}]"), message, &mut errors);
            }
            messages.as_slice()
        }
        Some(Value::Array(_)) => {
            errors.add("messages", "Size must be between 1 and 5");
            &[]
        }
        Some(_) => {
            errors.add("messages", "must be an array");
            &[]
        }
        None => {
            errors.add("messages", "must be specified");
            &[]
        }
    };
    if errors.0.is_empty() {
        Ok(messages)
    } else {
        Err(errors.into_answer())
    }
}

fn validate_message(property: &str, message: &Value, errors: &mut Errors) {
    if !message.is_object() {
        errors.add(property, "must be an object");
        return;
    }
    match message.get("type").and_then(Value::as_str) {
        Some("text") => {
            let text_property = format!("{property}.text");
            match message.get("text").and_then(Value::as_str) {
                None | Some("") => errors.add(&text_property, "must be specified"),
                Some(text) if text.chars().count() > MAX_TEXT_CHARS => {
                    errors.add(&text_property, "Length must be between 0 and 5000");
                }
                Some(_) => {}
            }
        }
        Some("sticker") => {
            for field in ["packageId", "stickerId"] {
                if !is_non_empty_str(message.get(field)) {
                    errors.add(&format!("{property}.{field}"), "must be specified");
                }
            }
        }
        None => errors.add(&format!("{property}.type"), "must be specified"),
        Some(_) => errors.add(
            &format!("{property}.type"),
            "must be one of the types this stand-in supports: text, sticker",
        ),
    }
    if let Some(quick_reply) = message.get("quickReply") {
        validate_quick_reply(&format!("{property}.quickReply"), quick_reply, errors);
    }
}

fn validate_quick_reply(property: &str, quick_reply: &Value, errors: &mut Errors) {
    let items_property = format!("{property}.items");
    let items = match quick_reply.get("items") {
        Some(Value::Array(items)) if (1..=MAX_QUICK_REPLY_ITEMS).contains(&items.len()) => items,
        Some(Value::Array(_)) => {
            errors.add(&items_property, "Size must be between 1 and 13");
            return;
        }
        Some(_) => {
            errors.add(&items_property, "must be an array");
            return;
        }
        None => {
            errors.add(&items_property, "must be specified");
            return;
        }
    };
    for (index, item) in items.iter().enumerate() {
        let item_property = format!("{items_property}[{index}]");
        if item.get("type").and_then(Value::as_str) != Some("action") {
            errors.add(&format!("{item_property}.type"), "must be 'action'");
        }
        let action_property = format!("{item_property}.action");
        let Some(action) = item.get("action").filter(|action| action.is_object()) else {
            errors.add(&action_property, "must be specified");
            continue;
        };
        check_text(
            action,
            "label",
            &action_property,
            MAX_LABEL_CHARS,
            true,
            errors,
        );
        match action.get("type").and_then(Value::as_str) {
            Some("postback") => {
                check_text(
                    action,
                    "data",
                    &action_property,
                    MAX_ACTION_TEXT_CHARS,
                    true,
                    errors,
                );
                check_text(
                    action,
                    "displayText",
                    &action_property,
                    MAX_ACTION_TEXT_CHARS,
                    false,
                    errors,
                );
            }
            Some("message") => {
                check_text(
                    action,
                    "text",
                    &action_property,
                    MAX_ACTION_TEXT_CHARS,
                    true,
                    errors,
                );
            }
            _ => errors.add(
                &format!("{action_property}.type"),
                "must be one of the types this stand-in supports: postback, message",
            ),
        }
    }
}

/// Checks a string field of `object` of at most `max` characters.
fn check_text(
    object: &Value,
    field: &str,
    property: &str,
    max: usize,
    required: bool,
    errors: &mut Errors,
) {
    let property = format!("{property}.{field}");
    match object.get(field) {
        None | Some(Value::Null) if required => errors.add(&property, "must be specified"),
        None | Some(Value::Null) => {}
        Some(Value::String(text)) if required && text.is_empty() => {
            errors.add(&property, "must be specified");
        }
        Some(Value::String(text)) if text.chars().count() > max => {
            errors.add(&property, &format!("Length must be between 0 and {max}"));
        }
        Some(Value::String(_)) => {}
        Some(_) => errors.add(&property, "must be a string"),
    }
}

/// Errors found in a request body, as LINE lists them: (property, message).
#[derive(Default)]
struct Errors(Vec<(String, String)>);

impl Errors {
    fn add(&mut self, property: &str, message: &str) {
        self.0.push((property.to_owned(), message.to_owned()));
    }

    fn into_answer(self) -> Answer {
        let details: Vec<Value> = self
            .0
            .iter()
            .map(|(property, message)| json!({ "message": message, "property": property }))
            .collect();
        Answer {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "message": format!("The request body has {} error(s)", details.len()),
                "details": details,
            }),
            accepted_request_id: None,
        }
    }
}

fn is_non_empty_str(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|text| !text.is_empty())
}

/// A UUID in its hyphenated form (any case), lowercased; `None` for anything else.
fn uuid_lowercase(key: &str) -> Option<String> {
    let groups: Vec<&str> = key.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    let well_formed = lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()));
    well_formed.then(|| key.to_ascii_lowercase())
}

fn header(request: &HttpRequest, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn server_error() -> Answer {
    Answer::message(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
}

async fn reply(request: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    shared.api_call(&request, &body, Some(LineEndpoint::Reply))
}

async fn push(request: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    shared.api_call(&request, &body, Some(LineEndpoint::Push))
}

async fn profile(
    request: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    shared.api_call(&request, &body, Some(LineEndpoint::Profile))
}

async fn not_found(
    request: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    shared.api_call(&request, &body, None)
}

/// What a person can do in the demo chat; exactly one field is expected.
async fn demo_send(
    path: web::Path<String>,
    body: web::Bytes,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let user_id = path.into_inner();
    // Read as JSON whatever the content type says: `curl -d` sends a form type by default.
    let Ok(Value::Object(action)) = serde_json::from_slice::<Value>(&body) else {
        return demo_error(StatusCode::BAD_REQUEST, "send a JSON object");
    };
    // Checked before building the event, so no reply token is issued for nothing.
    if shared.state().webhook.is_none() {
        return demo_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "no webhook is set: start the stand-in with --webhook <the app's LINE webhook URL>",
        );
    }
    let event = if let Some(text) = action.get("text").and_then(Value::as_str) {
        shared.text_event(&user_id, text)
    } else if action.get("follow") == Some(&Value::Bool(true)) {
        shared.follow_event(&user_id)
    } else if action.get("unfollow") == Some(&Value::Bool(true)) {
        shared.unfollow_event(&user_id)
    } else if let Some(data) = action.get("choice").and_then(Value::as_str) {
        shared.postback_event(&user_id, data)
    } else {
        return demo_error(
            StatusCode::BAD_REQUEST,
            "send one of {\"text\"}, {\"follow\":true}, {\"unfollow\":true} or {\"choice\"}",
        );
    };
    match shared.deliver(&[event]).await {
        Ok(status) => HttpResponse::Ok().json(json!({ "status": status })),
        Err(_) => demo_error(StatusCode::BAD_GATEWAY, "the webhook could not be reached"),
    }
}

/// The message objects delivered to one user, in order.
async fn demo_list(path: web::Path<String>, shared: web::Data<Shared>) -> HttpResponse {
    let user_id = path.into_inner();
    let messages: Vec<Value> = shared
        .state()
        .delivered
        .iter()
        .filter(|delivered| delivered.user_id == user_id)
        .map(|delivered| delivered.message.clone())
        .collect();
    HttpResponse::Ok().json(messages)
}

fn demo_error(status: StatusCode, problem: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": problem }))
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

/// Identifiers that look like LINE's and are unique: a hash of a per-stand-in seed and a
/// counter. No random-number crate is needed, and two stand-ins never share ids.
struct Ids {
    seed: [u8; 32],
    counter: u64,
    next_message_id: u64,
}

impl Ids {
    fn new(address: SocketAddr) -> Self {
        // RandomState is seeded from the operating system and differs for every instance.
        let mut hasher = RandomState::new().build_hasher();
        hasher.write(address.to_string().as_bytes());
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let seed = Sha256::new()
            .chain_update(hasher.finish().to_be_bytes())
            .chain_update(nanos.to_be_bytes())
            .chain_update(std::process::id().to_be_bytes())
            .finalize()
            .into();
        Self {
            seed,
            counter: 0,
            // LINE message ids are 18-digit numbers; realistic magnitudes keep anything
            // downstream from relying on small ones.
            next_message_id: 568_789_577_898_262_530,
        }
    }

    fn bytes(&mut self) -> [u8; 32] {
        self.counter += 1;
        Sha256::new()
            .chain_update(self.seed)
            .chain_update(self.counter.to_be_bytes())
            .finalize()
            .into()
    }

    /// `count` (at most 32) fresh bytes as lowercase hex.
    fn hex(&mut self, count: usize) -> String {
        hex::encode(&self.bytes()[..count.min(32)])
    }

    /// A ULID: 48 bits of milliseconds and 80 fresh bits, in 26 Crockford base-32 digits.
    fn ulid(&mut self) -> String {
        const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut random = [0_u8; 16];
        random[6..].copy_from_slice(&self.bytes()[..10]);
        let value =
            (u128::from(unix_millis() & 0xFFFF_FFFF_FFFF) << 80) | u128::from_be_bytes(random);
        (0..26)
            .map(|digit| {
                let index = (value >> (5 * (25 - digit))) & 31;
                char::from(CROCKFORD[usize::try_from(index).unwrap_or_default()])
            })
            .collect()
    }

    /// A random (version 4) UUID, as LINE's request ids are.
    fn uuid(&mut self) -> String {
        let mut bytes = [0_u8; 16];
        bytes.copy_from_slice(&self.bytes()[..16]);
        bytes[6] = (bytes[6] & 0x0F) | 0x40;
        bytes[8] = (bytes[8] & 0x3F) | 0x80;
        let hex = hex::encode(bytes);
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }

    /// An opaque token like LINE's quote tokens.
    fn quote_token(&mut self) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes())
    }

    fn message_id(&mut self) -> String {
        let id = self.next_message_id;
        self.next_message_id += 1;
        id.to_string()
    }
}
