//! `spawn_app()`: the real application on a free port, a fresh database, a clock the test
//! moves by hand, and request helpers named after what staff do.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{Duration, TimeZone, Utc};
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
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
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
    let mut second = spawn_app_with(Options {
        database: Some(first.db_name.clone()),
        crypto_key: Some(first.crypto_key.clone()),
        migrate: false,
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

    pub async fn staff(&self, role: Role) -> Staff {
        let email = format!("{}-{}@hotline.test", role.as_str(), Uuid::new_v4().simple());
        let password = "correct horse battery".to_owned();
        let user = users::create(&self.db, &email, role, &password, self.clock_now())
            .await
            .unwrap();
        let token = tokens::issue(&self.db, user.id, self.clock_now())
            .await
            .unwrap();
        Staff {
            email,
            password,
            token,
            id: user.id.0,
        }
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
