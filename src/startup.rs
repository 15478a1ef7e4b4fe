//! Builds the application from settings: pools, keys, rules, the HTTP server. `serve` and the
//! test harness both go through here, so tests run the real thing.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{App, HttpServer, middleware, web};
use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use crate::channels::Channels;
use crate::clock::Clock;
use crate::context::AppContext;
use crate::crypto::KeyRing;
use crate::error::ApiError;
use crate::intake::ConversationTexts;
use crate::redis_store::RedisStore;
use crate::routes;
use crate::routes::json_body_limit;
use crate::settings::{DatabaseSettings, Settings};
use crate::triage::{RulesCell, TriageRules};

pub fn connect_options(db: &DatabaseSettings) -> anyhow::Result<PgConnectOptions> {
    let opts: PgConnectOptions = db
        .url
        .parse()
        .context("invalid setting: database.url (DATABASE_URL) is not a PostgreSQL URL")?;
    Ok(opts.log_statements(tracing::log::LevelFilter::Trace))
}

/// A pool that connects on first use, so a node starts (and reports not-ready) while
/// PostgreSQL is down, and requests fail with 503 after `acquire_timeout_ms`.
pub fn pool(db: &DatabaseSettings) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(db.max_connections)
        .acquire_timeout(Duration::from_millis(db.acquire_timeout_ms))
        .connect_lazy_with(connect_options(db)?))
}

/// Builds the shared context. Fails with one clear line on a bad key or rules file.
pub fn context(
    settings: Settings,
    db: PgPool,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppContext> {
    let keys = KeyRing::from_settings(&settings.crypto)?;
    let rules = TriageRules::load(&settings.triage.rules_path)?
        .with_safety_net(settings.triage.safety_net_path())?;
    let redis = RedisStore::new(
        &settings.redis.url,
        Duration::from_millis(settings.redis.timeout_ms),
        &settings.redis.key_prefix,
    );
    let c = &settings.conversation;
    let conversation =
        ConversationTexts::load(&c.texts_dir, &c.emergency_numbers_path, &c.home_country)
            .map_err(|e| anyhow::anyhow!("conversation texts: {e}"))?;
    let channels = Channels::from_settings(&settings.channels)?;
    let rules_cell = Arc::new(
        RulesCell::new(settings.triage.rules_path.clone(), rules)
            .with_safety_net(settings.triage.safety_net_path().map(Into::into)),
    );
    Ok(AppContext {
        db,
        redis,
        keys: Arc::new(keys),
        rules_cell,
        settings: Arc::new(settings),
        clock,
        conversation: Arc::new(conversation),
        channels: Arc::new(channels),
        // The console's live updates (issue 12).
        live: Arc::default(),
    })
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds the listener (port 0 picks a free one) and builds the server.
    pub fn build(ctx: AppContext) -> anyhow::Result<Application> {
        crate::metrics::install();
        let s = &ctx.settings.server;
        let listener = TcpListener::bind((s.host.as_str(), s.port)).with_context(|| {
            format!(
                "cannot listen on {}:{} (server.host / server.port)",
                s.host, s.port
            )
        })?;
        let port = listener.local_addr()?.port();
        let workers = if s.workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            s.workers
        };
        let limit = json_body_limit(s.api_body_limit_bytes);
        let data = web::Data::new(ctx);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(limit)
                .app_data(web::QueryConfig::default().error_handler(|_, _| {
                    ApiError::bad_request("invalid_query", "the query string is malformed").into()
                }))
                .app_data(web::FormConfig::default().limit(16 * 1024))
                .wrap(middleware::from_fn(observe))
                // The console's live updates: announce every committed change (issue 12).
                .wrap(middleware::from_fn(crate::live::announce_changes))
                .configure(routes::config)
                .default_service(web::to(routes::not_found))
        })
        .workers(workers)
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}

/// Logs and counts every request by its route pattern: ids and query strings never reach the
/// log or a metric label.
async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    crate::metrics::http_request(&method, &route, status, seconds);
    tracing::info!(http.method = %method, http.route = %route, http.status = status, elapsed_ms = (seconds * 1000.0) as u64, "request");
    Ok(res)
}

/// Creates the database if it does not exist, then applies pending migrations.
pub async fn migrate(db: &DatabaseSettings) -> anyhow::Result<()> {
    use sqlx::migrate::MigrateDatabase;
    let url = &db.url;
    if !sqlx::Postgres::database_exists(url)
        .await
        .context("cannot reach PostgreSQL at database.url (DATABASE_URL)")?
    {
        sqlx::Postgres::create_database(url)
            .await
            .context("cannot create the database named in DATABASE_URL")?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(connect_options(db)?)
        .await
        .context("cannot connect to PostgreSQL")?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("failed to apply migrations")?;
    pool.close().await;
    Ok(())
}
