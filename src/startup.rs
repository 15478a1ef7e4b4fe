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

/// The connect options of the first host in `database.url` (a multi-host URL names several;
/// see `database_hosts`).
pub fn connect_options(db: &DatabaseSettings) -> anyhow::Result<PgConnectOptions> {
    let (hosts, _) = database_hosts(db)?;
    Ok(hosts
        .into_iter()
        .next()
        .expect("split_hosts gives at least one host"))
}

/// The connect options of every host in `database.url`, in order, and which of them may be
/// used (`target_session_attrs`).
pub fn database_hosts(
    db: &DatabaseSettings,
) -> anyhow::Result<(Vec<PgConnectOptions>, crate::database::SessionAttrs)> {
    let hosts = crate::database::split_hosts(&db.url).map_err(|e| anyhow::anyhow!(e))?;
    let options = hosts
        .urls
        .iter()
        .map(|url| {
            url.parse::<PgConnectOptions>()
                .map(|o| o.log_statements(tracing::log::LevelFilter::Trace))
                .context("invalid setting: database.url (DATABASE_URL) is not a PostgreSQL URL")
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((options, hosts.attrs))
}

/// A pool that connects on first use, so a node starts (and reports not-ready) while
/// PostgreSQL is down, and requests fail with 503 after `acquire_timeout_ms` (under a second:
/// a webhook platform's timeout or a counselor's patience must not run out first).
///
/// sqlx pings every connection it hands out by default: one extra round trip per acquire, a
/// fifth of a phone report's. Here only a connection that sat idle for
/// `ping_idle_after_seconds` is pinged (a quiet night, a database restart); a busy one is used
/// as is. A connection that died anyway fails its request's first statement, before anything
/// is written, with a 503 the sender retries, and sqlx drops it (it pings on release).
///
/// With several hosts (`postgres://u@primary,standby/db?target_session_attrs=read-write`) new
/// connections go to the first that fits, and a task follows the primary after a failover
/// (`database::follow_primary`); with read-write, a connection to a read-only server is refused
/// as it opens.
pub fn pool(db: &DatabaseSettings) -> anyhow::Result<PgPool> {
    pool_of(db, db.max_connections)
}

/// The staff requests' own pool (`database.staff_connections`; `routes::choose_pool`), built
/// like the main one; None when staff share the main pool.
pub fn staff_pool(db: &DatabaseSettings) -> anyhow::Result<Option<PgPool>> {
    if db.staff_connections == 0 {
        return Ok(None);
    }
    pool_of(db, db.staff_connections).map(Some)
}

fn pool_of(db: &DatabaseSettings, max_connections: u32) -> anyhow::Result<PgPool> {
    use crate::database::SessionAttrs;
    let ping_after = Duration::from_secs(db.ping_idle_after_seconds);
    let (hosts, attrs) = database_hosts(db)?;
    let mut options = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_millis(db.acquire_timeout_ms))
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= ping_after {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        });
    if attrs == SessionAttrs::ReadWrite {
        options = options.after_connect(move |conn, _| {
            Box::pin(async move {
                if crate::database::session_fits(conn, attrs).await? {
                    Ok(())
                } else {
                    Err(sqlx::Error::Protocol(
                        "the database server is read-only (a standby?)".into(),
                    ))
                }
            })
        });
    }
    let pool = options.connect_lazy_with(hosts[0].clone());
    if hosts.len() > 1
        && let Ok(runtime) = tokio::runtime::Handle::try_current()
    {
        runtime.spawn(crate::database::follow_primary(pool.clone(), hosts, attrs));
    }
    Ok(pool)
}

/// Builds the shared context. Fails with one clear line on a bad key or rules file.
pub fn context(
    settings: Settings,
    db: PgPool,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppContext> {
    let keys = KeyRing::from_settings(&settings.crypto)?;
    crate::audit::chain::install_key(crate::audit::chain::key_from_settings(&settings)?);
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
    // Read per referral (edits apply at once), but checked here so a bad file stops the start.
    crate::referrals::rules::ReferralRules::load(&settings.referrals.rules_path)?;
    let rules_cell = Arc::new(
        RulesCell::new(settings.triage.rules_path.clone(), rules)
            .with_safety_net(settings.triage.safety_net_path().map(Into::into)),
    );
    let turns = Arc::new(crate::channels::IntakeTurns::from_settings(
        &settings.server,
    ));
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
        surge_waits: Arc::default(),
        turns,
    })
}

pub struct Application {
    port: u16,
    internal_port: u16,
    server: Server,
    internal: Server,
}

impl Application {
    /// Binds the listeners (port 0 picks a free one) and builds the servers: the public one and
    /// the internal one for metrics and readiness.
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
        let internal_port = match (s.internal_port, s.port) {
            (0, 0) => 0,
            (0, public) => public.saturating_add(1),
            (internal, _) => internal,
        };
        let internal_listener = TcpListener::bind((s.internal_host.as_str(), internal_port))
            .with_context(|| {
                format!(
                    "cannot listen on {}:{} (server.internal_host / server.internal_port)",
                    s.internal_host, internal_port
                )
            })?;
        let internal_port = internal_listener.local_addr()?.port();
        let workers = if s.workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            s.workers
        };
        let limit = json_body_limit(s.api_body_limit_bytes);
        // Staff requests get the same context on a pool of their own (`routes::choose_pool`).
        let staff_data = staff_pool(&ctx.settings.database)?
            .map(|db| web::Data::new(AppContext { db, ..ctx.clone() }));
        let data = web::Data::new(ctx);
        let internal_data = data.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(routes::StaffContext::new(staff_data.clone()))
                .app_data(limit)
                .app_data(web::QueryConfig::default().error_handler(|_, _| {
                    ApiError::bad_request("invalid_query", "the query string is malformed").into()
                }))
                .app_data(web::FormConfig::default().limit(16 * 1024))
                .wrap(middleware::from_fn(write_deadline))
                .wrap(middleware::from_fn(observe))
                // The console's live updates: announce every committed change (issue 12).
                .wrap(middleware::from_fn(crate::live::announce_changes))
                .wrap(middleware::from_fn(security_headers))
                // Outermost, so every layer and the handler of a staff request see its pool.
                .wrap(middleware::from_fn(routes::choose_pool))
                .configure(routes::config)
                .default_service(web::to(routes::not_found))
        })
        .workers(workers)
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
        let internal = HttpServer::new(move || {
            App::new()
                .app_data(internal_data.clone())
                .wrap(middleware::from_fn(security_headers))
                .configure(routes::internal_config)
                .default_service(web::to(routes::not_found))
        })
        .workers(1)
        .shutdown_timeout(5)
        .listen(internal_listener)?
        .run();
        Ok(Application {
            port,
            internal_port,
            server,
            internal,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The internal listener's port (`/metrics`, `/health/ready`).
    pub fn internal_port(&self) -> u16 {
        self.internal_port
    }

    /// Runs both servers; when the public one stops (a signal), the internal one stops too.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let internal = self.internal.handle();
        let internal_task = tokio::spawn(self.internal);
        let served = self.server.await;
        internal.stop(true).await;
        let _ = internal_task.await;
        served
    }
}

/// Headers every response carries: never sniff a type, never send a referrer, and, unless a
/// route chose otherwise, never keep a copy (API answers and downloads hold personal data and
/// staff share computers).
async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::http::header::{
        CACHE_CONTROL, HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    };
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// A write still unanswered after `server.write_deadline_ms` gets a 503: a statement sent to a
/// stalled PostgreSQL (SIGSTOP, a frozen VM, a lost network path) waits without any client-side
/// limit, and the acquire timeout only covers getting a connection. Dropping the handler drops
/// its transaction before COMMIT is acknowledged, so the sender's retry with the same key is
/// recorded once whether or not the server finished it (`scripts/faults/postgres-stall`).
async fn write_deadline(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::http::Method;
    let limit = req
        .app_data::<web::Data<AppContext>>()
        .map_or(0, |ctx| ctx.settings.server.write_deadline_ms);
    if limit == 0 || req.method() == Method::GET || req.method() == Method::HEAD {
        return next.call(req).await;
    }
    match tokio::time::timeout(Duration::from_millis(limit), next.call(req)).await {
        Ok(res) => res,
        Err(_) => {
            crate::metrics::write_deadline_exceeded();
            tracing::warn!(
                deadline_ms = limit,
                "a write passed its deadline; answered 503"
            );
            // An error, not a response: building one needs the request, and a copy of it
            // taken before routing would stop actix from routing it. actix answers with the
            // error's JSON body (`ApiError::error_response`).
            Err(ApiError::Unavailable {
                code: "deadline_exceeded",
                message: "the request took too long (is the database stalled?); send it again \
                          with the same key"
                    .into(),
            }
            .into())
        }
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

/// Creates the database if it does not exist, then applies pending migrations, connecting as
/// `database.migration_url` (DATABASE_MIGRATION_URL) when set. When that is another role than
/// the runtime one (`database.url`), the runtime role is granted what the app needs and only
/// INSERT and SELECT on the audit log, so whoever holds DATABASE_URL cannot rewrite history.
pub async fn migrate(db: &DatabaseSettings) -> anyhow::Result<()> {
    use sqlx::migrate::MigrateDatabase;
    let separate = !db.migration_url.trim().is_empty();
    let given = if separate { &db.migration_url } else { &db.url };
    // A multi-host URL: migrate the primary.
    let hosts = crate::database::split_hosts(given).map_err(|e| anyhow::anyhow!(e))?;
    let url = &if hosts.is_multi_host() {
        crate::database::first_fitting_url(&hosts.urls, hosts.attrs).await
    } else {
        hosts.urls[0].clone()
    };
    if !sqlx::Postgres::database_exists(url)
        .await
        .context("cannot reach PostgreSQL at database.migration_url / database.url")?
    {
        sqlx::Postgres::create_database(url)
            .await
            .context("cannot create the database named in the database URL")?;
    }
    let owner_options: PgConnectOptions = url
        .parse()
        .context("invalid setting: database.migration_url is not a PostgreSQL URL")?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(owner_options.clone())
        .await
        .context("cannot connect to PostgreSQL")?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("failed to apply migrations")?;
    let runtime = connect_options(db)?.get_username().to_owned();
    if separate && runtime != owner_options.get_username() {
        grant_runtime_role(&pool, &runtime).await?;
    }
    pool.close().await;
    Ok(())
}

/// The runtime role's rights: everything it needs on every table, and on the audit log only
/// INSERT and SELECT; the migrations table read-only.
async fn grant_runtime_role(pool: &PgPool, role: &str) -> anyhow::Result<()> {
    let role = format!("\"{}\"", role.replace('"', "\"\""));
    let statements = [
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}"),
        format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}"),
        format!("REVOKE UPDATE, DELETE, TRUNCATE ON audit_chain FROM {role}"),
        format!("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_chain_origin FROM {role}"),
        format!("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _sqlx_migrations FROM {role}"),
    ];
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .context(
                "cannot grant the runtime role its rights (is the migration role the owner?)",
            )?;
    }
    Ok(())
}
