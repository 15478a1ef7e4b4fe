//! `spawn_app()`: the real application on a free port, a fresh database, a clock the test
//! moves by hand, and request helpers named after what staff do.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{Duration, TimeZone, Utc};
use hotline::auth::second_factor::codes::{Seed, step_of};
use hotline::auth::{Role, tokens, users};
use hotline::clock::ManualClock;
use hotline::context::AppContext;
use hotline::settings::Settings;
use hotline::startup::{Application, context, migrate, pool};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// The PostgreSQL server the tests use: `DATABASE_URL` (any database name) or the local default.
pub fn server_url() -> String {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (base, _) = url.rsplit_once('/').unwrap_or((url.as_str(), ""));
    base.to_owned()
}

pub fn database_url(name: &str) -> String {
    format!("{}/{name}", server_url())
}

pub struct Options {
    pub database: Option<String>,
    pub redis_url: Option<String>,
    pub database_url: Option<String>,
    pub crypto_key: Option<String>,
    pub extra_env: Vec<(String, String)>,
    pub migrate: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            database: None,
            redis_url: None,
            database_url: None,
            crypto_key: None,
            extra_env: vec![],
            migrate: true,
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// The internal listener (`/metrics`, `/health/ready`).
    pub internal_address: String,
    pub db: PgPool,
    pub db_name: String,
    pub crypto_key: String,
    pub clock: ManualClock,
    pub ctx: AppContext,
    pub client: reqwest::Client,
}

pub struct Staff {
    pub email: String,
    pub password: String,
    pub token: String,
    pub id: Uuid,
    /// The TOTP seed (base32) of staff whose role requires a second factor: `staff()` sets it
    /// up for them, as they would have before getting a token.
    pub totp_seed: Option<String>,
}

pub fn test_settings(
    env: HashMap<String, String>,
) -> Result<Settings, hotline::settings::SettingsError> {
    Settings::load_from(Path::new("config"), Some("test"), &env)
}

pub fn random_key() -> String {
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(opts: Options) -> TestApp {
    let db_name = opts
        .database
        .clone()
        .unwrap_or_else(|| format!("hotline_test_{}", Uuid::new_v4().simple()));
    let crypto_key = opts.crypto_key.clone().unwrap_or_else(random_key);
    let mut env: HashMap<String, String> = HashMap::new();
    env.insert(
        "DATABASE_URL".into(),
        opts.database_url
            .clone()
            .unwrap_or_else(|| database_url(&db_name)),
    );
    env.insert(
        "REDIS_URL".into(),
        opts.redis_url
            .clone()
            .unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
    );
    env.insert("HOTLINE_CRYPTO__KEY".into(), crypto_key.clone());
    // Apps on one database share Redis keys, as nodes of one deployment do; others never.
    env.insert("HOTLINE_REDIS__KEY_PREFIX".into(), format!("{db_name}:"));
    for (k, v) in &opts.extra_env {
        env.insert(k.clone(), v.clone());
    }
    let settings = test_settings(env).expect("test settings load");
    if opts.migrate {
        migrate(&settings.database)
            .await
            .expect("migrate the test database");
    }
    let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap());
    let db = pool(&settings.database).unwrap();
    let ctx = context(settings, db.clone(), Arc::new(clock.clone())).expect("app context");
    let app = Application::build(ctx.clone()).expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let internal_address = format!("http://127.0.0.1:{}", app.internal_port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        internal_address,
        db,
        db_name,
        crypto_key,
        clock,
        ctx,
        client,
    }
}

/// A second node on the same database and keys, as in a two-node deployment.
pub async fn spawn_second_node(first: &TestApp) -> TestApp {
    spawn_second_node_with(first, vec![]).await
}

/// A second node with extra settings (the same ones the first node was given).
pub async fn spawn_second_node_with(first: &TestApp, extra_env: Vec<(String, String)>) -> TestApp {
    let mut second = spawn_app_with(Options {
        database: Some(first.db_name.clone()),
        crypto_key: Some(first.crypto_key.clone()),
        migrate: false,
        extra_env,
        ..Options::default()
    })
    .await;
    second.clock = first.clock.clone();
    second
}

pub fn phone_report(narrative: &str) -> Value {
    json!({
        "caller": "relative",
        "language": "th",
        "location": { "country": "TH", "area": "Songkhla" },
        "narrative": narrative,
        "answers": {},
        "callback": { "phone": "+66812345678", "safe_hours": "18:00-20:00" }
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A path on the internal listener.
    pub fn internal_url(&self, path: &str) -> String {
        format!("{}{path}", self.internal_address)
    }

    /// A GET on the internal listener (`/metrics`, `/health/ready`).
    pub async fn get_internal(&self, path: &str) -> Response {
        self.client
            .get(self.internal_url(path))
            .send()
            .await
            .unwrap()
    }

    pub async fn staff(&self, role: Role) -> Staff {
        let email = format!("{}-{}@hotline.test", role.as_str(), Uuid::new_v4().simple());
        let password = "correct horse battery".to_owned();
        let user = users::create(&self.db, &email, role, &password, self.clock_now())
            .await
            .unwrap();
        let totp_seed = if self.ctx.settings.auth.totp_required_roles.contains(&role) {
            Some(self.enrol_second_factor(user.id.0).await)
        } else {
            None
        };
        let token = tokens::issue(&self.db, user.id, self.clock_now(), 90)
            .await
            .unwrap()
            .token;
        Staff {
            email,
            password,
            token,
            id: user.id.0,
            totp_seed,
        }
    }

    /// A staff member without a second factor, whatever their role (as after an upgrade that
    /// starts requiring one).
    pub async fn staff_without_second_factor(&self, role: Role) -> Staff {
        let mut who = self.staff(Role::Counselor).await;
        sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(who.id)
            .bind(role.as_str())
            .execute(&self.db)
            .await
            .unwrap();
        who.totp_seed = None;
        who
    }

    /// Sets up a confirmed second factor for a user, as enrolment leaves it; returns the seed.
    pub async fn enrol_second_factor(&self, user: Uuid) -> String {
        let seed = Seed::generate().to_base32();
        let sealed = self.ctx.keys.seal_bound(
            &seed,
            &hotline::crypto::Binding {
                table: "staff_totp",
                column: "secret",
                row: user,
            },
        );
        sqlx::query("INSERT INTO staff_totp (user_id, secret, enabled_at) VALUES ($1, $2, $3)")
            .bind(user)
            .bind(sealed)
            .bind(self.clock_now())
            .execute(&self.db)
            .await
            .unwrap();
        seed
    }

    /// The code an authenticator app with `seed` shows now.
    pub fn code_now(&self, seed: &str) -> String {
        Seed::from_base32(seed).unwrap().code_at(self.clock_now())
    }

    /// A code for the user of `email` that the app would accept now and that was not used yet
    /// (the current step's, or the next one's when that was used), for tests that sign in
    /// twice within 30 seconds; `None` without a second factor.
    pub async fn unused_code(&self, email: &str) -> Option<String> {
        let row: Option<(Uuid, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT u.id, t.secret, t.last_step FROM users u JOIN staff_totp t ON t.user_id = u.id
             WHERE lower(u.email) = lower($1) AND t.enabled_at IS NOT NULL",
        )
        .bind(email.trim())
        .fetch_optional(&self.db)
        .await
        .unwrap();
        let (user, sealed, last_step) = row?;
        let text = self
            .ctx
            .keys
            .open_bound(
                &sealed,
                &hotline::crypto::Binding {
                    table: "staff_totp",
                    column: "secret",
                    row: user,
                },
            )
            .unwrap();
        let seed = Seed::from_base32(&text).unwrap();
        let now = step_of(self.clock_now());
        let step = (now - 1..=now + 1).find(|s| *s > last_step)?;
        Some(seed.code_at_step(step))
    }

    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use hotline::clock::Clock;
        self.clock.now()
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(Duration::seconds(seconds));
    }

    /// A GET without a token: anonymous, or with a console session cookie.
    pub async fn get_page(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(cookie) = cookie {
            req = req.header("Cookie", cookie);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, who: &Staff, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, who: &Staff, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&who.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_empty(&self, who: &Staff, path: &str) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap()
    }

    /// Files a phone report and returns the created case.
    pub async fn report(&self, who: &Staff, body: &Value) -> Value {
        let resp = self.post(who, "/api/v1/reports", body).await;
        assert_eq!(resp.status(), StatusCode::CREATED, "report was not created");
        resp.json().await.unwrap()
    }

    /// Files a phone report whose only answers are those given.
    pub async fn report_with_answers(&self, who: &Staff, answers: Value) -> Value {
        let mut body = phone_report("a report for the queue");
        body["answers"] = answers;
        self.report(who, &body).await
    }

    pub async fn queue(&self, who: &Staff) -> Vec<Value> {
        let resp = self.get(who, "/api/v1/queue").await;
        assert_eq!(resp.status(), StatusCode::OK);
        let body: Value = resp.json().await.unwrap();
        body["items"].as_array().unwrap().clone()
    }

    pub async fn claim_next(&self, who: &Staff) -> Response {
        self.post_empty(who, "/api/v1/queue/claim").await
    }

    pub async fn case(&self, who: &Staff, id: &str) -> Value {
        let resp = self.get(who, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json().await.unwrap()
    }

    /// Row counts of the tables intake writes, to prove a rejected request changed nothing.
    pub async fn write_counts(&self) -> Vec<i64> {
        let mut counts = vec![];
        for table in [
            "reporters",
            "cases",
            "messages",
            "notes",
            "case_links",
            "idempotency_keys",
        ] {
            let (n,): (i64,) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                    .fetch_one(&self.db)
                    .await
                    .unwrap();
            counts.push(n);
        }
        counts
    }
}

pub fn references(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The bot the tests talk to: its token (the id before ':' is the bot id) and webhook secret.
pub const BOT_TOKEN: &str = "7000001:AAH-test-token_for-hotline";
pub const WEBHOOK_SECRET: &str = "hotline-test-secret_1";

/// The app with the Telegram channel enabled, pointed at a fresh local Bot API stand-in.
pub async fn spawn_app_with_telegram(
    extra_env: Vec<(&str, &str)>,
) -> (TestApp, hotline_testkit::TelegramStandIn) {
    let standin = hotline_testkit::TelegramStandIn::start().expect("start the Telegram stand-in");
    let mut env = vec![
        (
            "HOTLINE_CHANNELS__TELEGRAM__ENABLED".to_owned(),
            "true".to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN".to_owned(),
            BOT_TOKEN.to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET".to_owned(),
            WEBHOOK_SECRET.to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__TELEGRAM__API_URL".to_owned(),
            standin.api_url(),
        ),
    ];
    env.extend(
        extra_env
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let app = spawn_app_with(Options {
        extra_env: env,
        ..Options::default()
    })
    .await;
    (app, standin)
}

/// A private-chat text message from `chat`, as Telegram sends it.
pub fn tg_text(update_id: i64, chat: i64, text: &str) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_795_000_000 + update_id,
            "from": { "id": chat, "is_bot": false, "first_name": "Test" },
            "chat": { "id": chat, "type": "private", "first_name": "Test" },
            "text": text
        }
    })
}

/// A press of an inline button carrying `data`.
pub fn tg_choice(update_id: i64, chat: i64, data: &str) -> Value {
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("cb{update_id}"),
            "from": { "id": chat, "is_bot": false, "first_name": "Test" },
            "chat_instance": "-100200300",
            "data": data,
            "message": {
                "message_id": 9000 + update_id,
                "date": 1_795_000_000 + update_id,
                "chat": { "id": chat, "type": "private", "first_name": "Test" },
                "from": { "id": 7000001, "is_bot": true, "first_name": "Hotline" },
                "text": "question"
            }
        }
    })
}

impl TestApp {
    /// POSTs an update to the webhook with the right secret.
    pub async fn post_telegram_update(&self, update: &Value) -> Response {
        self.client
            .post(self.url("/webhooks/telegram"))
            .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
            .json(update)
            .send()
            .await
            .unwrap()
    }

    /// Posts updates in order, each expected to be accepted.
    pub async fn telegram_says(&self, updates: &[Value]) {
        for update in updates {
            let resp = self.post_telegram_update(update).await;
            assert_eq!(resp.status(), StatusCode::OK, "update {update} was refused");
        }
    }

    /// Runs due background jobs (sends, acknowledgements) until none is left, as the runner in
    /// `hotline serve` would, without waiting for its poll interval.
    pub async fn run_jobs(&self) {
        let registry = hotline::messaging::job_registry();
        for _ in 0..500 {
            match hotline::jobs::run_pending_once(&self.ctx, &registry, 1)
                .await
                .unwrap()
            {
                hotline::jobs::JobOutcome::Idle => return,
                _ => continue,
            }
        }
        panic!("jobs did not settle");
    }

    /// The case opened by a chat, by the chat id it came from.
    pub async fn case_of_chat(&self, who: &Staff) -> Value {
        let (id,): (Uuid,) = sqlx::query_as(
            "SELECT id FROM cases WHERE channel_identity_id IS NOT NULL ORDER BY created_at DESC LIMIT 1",
        )
        .fetch_one(&self.db)
        .await
        .unwrap();
        self.case_in_full(who, &id.to_string()).await
    }

    /// A case in full, as `who`: a counselor who neither holds nor held it sees its outline
    /// only (need-to-know), so the test breaks the glass first, as that counselor would.
    pub async fn case_in_full(&self, who: &Staff, id: &str) -> Value {
        let case = self.case(who, id).await;
        if case["view"] == "full" {
            return case;
        }
        let resp = self
            .post(
                who,
                &format!("/api/v1/cases/{id}/break-glass"),
                &json!({ "reason": "other", "text": "the test reads this case" }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        self.case(who, id).await
    }

    /// `who` chooses the console's language in their own settings (PATCH /api/v1/me).
    pub async fn prefers_console_language(&self, who: &Staff, language: &str) {
        let resp = self
            .client
            .patch(self.url("/api/v1/me"))
            .bearer_auth(&who.token)
            .json(&json!({ "console_language": language }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }

    pub async fn count(&self, table: &str) -> i64 {
        let (n,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&self.db)
                .await
                .unwrap();
        n
    }
}

/// The LINE Official Account the tests talk to.
pub const LINE_SECRET: &str = "line-test-channel-secret";
pub const LINE_TOKEN: &str = "line-test-access-token";

/// The app with the LINE channel enabled, pointed at a fresh local Messaging API stand-in that
/// delivers its webhooks to the app.
pub async fn spawn_app_with_line(
    extra_env: Vec<(&str, &str)>,
) -> (TestApp, hotline_testkit::LineStandIn) {
    let standin = hotline_testkit::LineStandIn::start(LINE_SECRET, LINE_TOKEN)
        .expect("start the LINE stand-in");
    let mut env = vec![
        (
            "HOTLINE_CHANNELS__LINE__ENABLED".to_owned(),
            "true".to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__LINE__CHANNEL_SECRET".to_owned(),
            LINE_SECRET.to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__LINE__CHANNEL_ACCESS_TOKEN".to_owned(),
            LINE_TOKEN.to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__LINE__API_URL".to_owned(),
            standin.api_url(),
        ),
    ];
    env.extend(
        extra_env
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let app = spawn_app_with(Options {
        extra_env: env,
        ..Options::default()
    })
    .await;
    standin.set_webhook(&app.url("/webhooks/line"));
    (app, standin)
}

impl TestApp {
    /// LINE delivers each event in a body of its own, signed; each must be accepted.
    pub async fn line_says(&self, line: &hotline_testkit::LineStandIn, events: &[Value]) {
        for event in events {
            let status = line.deliver(std::slice::from_ref(event)).await.unwrap();
            assert_eq!(status, 200, "event {event} was refused");
        }
    }

    /// POSTs raw bytes to the LINE webhook with the given signature header, if any.
    pub async fn post_line_raw(&self, body: Vec<u8>, signature: Option<&str>) -> Response {
        let mut request = self
            .client
            .post(self.url("/webhooks/line"))
            .header("Content-Type", "application/json");
        if let Some(signature) = signature {
            request = request.header("x-line-signature", signature);
        }
        request.body(body).send().await.unwrap()
    }

    pub async fn metrics_text(&self) -> String {
        self.client
            .get(self.internal_url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// The app reading a fresh folder of the project-local Dovecot (started by scripts/test), and
/// that folder's name; `None` (a note on stderr) when the test mail servers are not running.
/// `mailer` is `file` (into a fresh directory) or `smtp` (the SMTP sink).
pub async fn spawn_app_with_email(
    mailer: &str,
    extra_env: Vec<(&str, &str)>,
) -> Option<(TestApp, EmailBox)> {
    let Ok(port) = std::env::var("HOTLINE_TEST_IMAP_PORT") else {
        eprintln!("skipping: the test mail servers are not running (scripts/test starts them)");
        return None;
    };
    let user = std::env::var("HOTLINE_TEST_IMAP_USER").unwrap();
    let password = std::env::var("HOTLINE_TEST_IMAP_PASSWORD").unwrap();
    let folder = format!("t{}", Uuid::new_v4().simple());
    let outbox = std::env::temp_dir().join(format!("hotline-outbox-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&outbox).unwrap();
    let imap = hotline_email::imap::ImapSettings {
        host: "127.0.0.1".into(),
        port: port.parse().unwrap(),
        user: user.clone(),
        password: password.clone(),
        tls: hotline_email::imap::ImapTls::None,
        folder: folder.clone(),
    };
    let mut admin = hotline_email::imap::MailboxReader::connect(&imap)
        .await
        .unwrap();
    admin.create_folder(&folder).await.unwrap();
    let smtp_port = std::env::var("HOTLINE_TEST_SMTP_PORT").unwrap_or_default();
    let mut env: Vec<(String, String)> = vec![
        ("HOTLINE_CHANNELS__EMAIL__ENABLED".into(), "true".into()),
        (
            "HOTLINE_CHANNELS__EMAIL__IMAP_HOST".into(),
            "127.0.0.1".into(),
        ),
        ("HOTLINE_CHANNELS__EMAIL__IMAP_PORT".into(), port),
        ("HOTLINE_CHANNELS__EMAIL__IMAP_USER".into(), user),
        ("HOTLINE_CHANNELS__EMAIL__IMAP_PASSWORD".into(), password),
        ("HOTLINE_CHANNELS__EMAIL__IMAP_TLS".into(), "none".into()),
        ("HOTLINE_CHANNELS__EMAIL__IMAP_FOLDER".into(), folder),
        (
            "HOTLINE_CHANNELS__EMAIL__SMTP_HOST".into(),
            "127.0.0.1".into(),
        ),
        ("HOTLINE_CHANNELS__EMAIL__SMTP_PORT".into(), smtp_port),
        ("HOTLINE_CHANNELS__EMAIL__SMTP_TLS".into(), "none".into()),
        (
            "HOTLINE_CHANNELS__EMAIL__FROM".into(),
            "hotline@hotline.example".into(),
        ),
        ("HOTLINE_CHANNELS__EMAIL__MAILER".into(), mailer.into()),
        (
            "HOTLINE_CHANNELS__EMAIL__FILE_DIR".into(),
            outbox.display().to_string(),
        ),
    ];
    env.extend(
        extra_env
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let app = spawn_app_with(Options {
        extra_env: env,
        ..Options::default()
    })
    .await;
    Some((
        app,
        EmailBox {
            admin,
            imap,
            outbox,
        },
    ))
}

/// The test's mailbox folder (to put mail in, as the world would) and the file mailer's outbox.
pub struct EmailBox {
    pub admin: hotline_email::imap::MailboxReader,
    pub imap: hotline_email::imap::ImapSettings,
    pub outbox: std::path::PathBuf,
}

impl EmailBox {
    /// Delivers a raw RFC 5322 message into the folder, unseen.
    pub async fn arrives(&mut self, raw: &[u8]) {
        let folder = self.imap.folder.clone();
        self.admin.append(&folder, raw, &[]).await.unwrap();
    }

    pub async fn unseen(&mut self) -> Vec<u32> {
        self.admin.select().await.unwrap();
        self.admin.unseen_uids().await.unwrap()
    }

    /// What the file mailer wrote, oldest first.
    pub fn sent(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.outbox)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl TestApp {
    /// One round of the mailbox reader, as `hotline serve` runs it.
    pub async fn read_mailbox(&self) -> usize {
        let mut reader = hotline::channels::EmailReader::default();
        let outcome = hotline::channels::read_mailbox_once(
            &self.ctx,
            &mut reader,
            hotline::channels::EmailFailpoint::None,
        )
        .await
        .unwrap();
        reader.release().await;
        match outcome {
            hotline::channels::ReadOutcome::Read(n) => n,
            hotline::channels::ReadOutcome::NotLeader => panic!("another reader holds the lock"),
        }
    }
}

/// Whether Debian's Chromium, playwright-core and axe-core are here for the browser tests.
/// Without them a browser test is skipped, unless HOTLINE_REQUIRE_BROWSER says they must be
/// (scripts/test installs them and sets it, so CI never skips one silently).
pub fn browser_ready(test: &str) -> bool {
    let ready = Path::new("/usr/bin/chromium").exists()
        && Path::new("tests/browser/node_modules/playwright-core").exists()
        && Path::new("tests/browser/node_modules/axe-core").exists();
    if !ready {
        assert!(
            std::env::var("HOTLINE_REQUIRE_BROWSER").is_err(),
            "chromium, playwright-core or axe-core is missing; scripts/test installs them"
        );
        eprintln!("skipping the {test}: run scripts/test to install chromium and playwright-core");
    }
    ready
}

/// Runs a script of tests/browser with its arguments (screenshots to target/screenshots, or
/// HOTLINE_SCREENSHOTS) and fails the test with everything it printed unless it succeeds and
/// prints `ok_line`.
pub async fn run_browser_script(script: &'static str, args: Vec<String>, ok_line: &'static str) {
    let shots =
        std::env::var("HOTLINE_SCREENSHOTS").unwrap_or_else(|_| "target/screenshots".to_owned());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(Path::new("tests/browser").join(script))
            .args(args)
            .env("SMOKE_SCREENSHOT_DIR", shots)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(ok_line),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every node of an `EXPLAIN (FORMAT JSON)` plan, depth first.
pub fn plan_nodes(plan: &Value) -> Vec<&Value> {
    let mut all = vec![plan];
    for child in plan["Plans"].as_array().into_iter().flatten() {
        all.extend(plan_nodes(child));
    }
    all
}
