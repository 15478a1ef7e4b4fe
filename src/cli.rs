//! The `hotline` command line: serve | migrate | audit verify | seed-demo | seed-synthetic |
//! user add | user token | telegram set-webhook | telegram delete-webhook | score (see
//! `score_command`) | partners import FILE | partners export --format hsds|csv | stats export
//! (see `supervisor::export_command`).

use std::io::BufRead;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::background::Supervisor;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use crate::auth::{AuthError, Role, tokens, users};
use crate::clock::{Clock, SystemClock};
use crate::settings::Settings;
use crate::startup::{Application, context, migrate, pool};

#[derive(Parser)]
#[command(
    name = "hotline",
    version,
    about = "24-hour intake backend for anti-trafficking hotlines"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve HTTP (and run background jobs). Migrations are `hotline migrate`'s job (run as the
    /// migration role); `--migrate` applies them first, for single-role setups.
    Serve {
        #[arg(long)]
        migrate: bool,
    },
    /// Create the database if needed and apply pending migrations (as DATABASE_MIGRATION_URL's
    /// role when set, granting DATABASE_URL's role what it needs).
    Migrate,
    /// Encryption keys: `status` counts rows still under an older key; `reencrypt` moves them
    /// to the current key now (the same work `serve` does in the background); `generate`
    /// prints a new random key; `audit-key` prints the audit chain key derived from crypto.key.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// The audit log: `verify` checks its chain of keyed hashes.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Create demo staff and example cases (safe to re-run; prints the demo logins).
    SeedDemo,
    /// Add a year of synthetic cases and messages (for benchmarks; never on a real hotline).
    SeedSynthetic {
        /// Inbound messages in all (at least one per case).
        #[arg(long)]
        contacts: i64,
        /// Cases (each with its reporter and answer clock).
        #[arg(long)]
        cases: i64,
    },
    /// Manage staff users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Score reports with the triage rules: JSON lines on stdin, or --eval FILE, or --check.
    Score(crate::score_command::ScoreArgs),
    /// Statistics for agencies (counts with small cells suppressed).
    Stats {
        #[command(subcommand)]
        action: StatsAction,
    },
    /// The learned triage safety net: train it on the tuning corpus, or cross-validate it.
    Triage {
        #[command(subcommand)]
        action: crate::safety_net_command::TriageAction,
    },
    /// Connect the Telegram bot (uses channels.telegram.* settings).
    Telegram {
        #[command(subcommand)]
        action: TelegramAction,
    },
    /// Retention (retention.* settings): erase what may no longer be kept, except cases under
    /// legal hold, and print the counts per category; `--dry-run` only counts.
    Retention {
        #[arg(long)]
        dry_run: bool,
    },
    /// The partner directory: import or export it (Open Referral HSDS 3.0 JSON, or CSV).
    Partners {
        #[command(subcommand)]
        action: PartnersAction,
    },
}

#[derive(Subcommand)]
pub enum PartnersAction {
    /// Import a directory file; every entry is checked first, and a bad one (reported with its
    /// line or path and field) means nothing is imported.
    Import {
        /// An HSDS JSON document (.json), the hotline's own JSON list (.json, like
        /// config/partners.json) or a CSV file (.csv).
        file: std::path::PathBuf,
        /// hsds, csv or directory; by default from the file's extension and shape.
        #[arg(long)]
        format: Option<String>,
    },
    /// Print the directory (shelter addresses are never exported).
    Export {
        /// hsds (Open Referral HSDS 3.0 JSON), csv, or directory (the hotline's own JSON list).
        #[arg(long, default_value = "hsds")]
        format: String,
    },
}

#[derive(Subcommand)]
pub enum KeysAction {
    /// Per table and column: rows in all, rows left under an older key (or not yet bound to
    /// their row), and the count under each key id. Exits 0; prints `done` when none is left.
    Status {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Re-encrypt every row under the current key and recompute lookup hashes, in batches
    /// (safe while `serve` runs; resumable: run it again after an interruption).
    Reencrypt {
        #[arg(long, default_value_t = 500)]
        batch: i64,
    },
    /// Print a new random key (base64 of 32 bytes) for crypto.key: write it to a file only
    /// its owner can read (`umask 077; hotline keys generate > key`).
    Generate,
    /// Print the audit chain key derived from the current crypto.key (set it as
    /// HOTLINE_AUDIT__KEY before rotating crypto.key, so the chain stays verifiable).
    AuditKey,
}

#[derive(Subcommand)]
pub enum AuditAction {
    /// Check every entry's keyed hash and link, and that the recorded head is still there;
    /// prints the number of entries checked, or names the first broken entry (exit 1).
    Verify {
        /// The head file written by `serve` (default: audit.head_file, when set).
        #[arg(long)]
        head: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum StatsAction {
    /// Cases opened in a period, counted by breakdowns, as CSV (Excel) or JSON on stdout.
    Export(crate::supervisor::export_command::ExportArgs),
}

#[derive(Subcommand)]
pub enum TelegramAction {
    /// Register the webhook URL with Telegram, with the webhook secret.
    SetWebhook {
        /// The public HTTPS address of /webhooks/telegram.
        #[arg(long)]
        url: String,
    },
    /// Remove the webhook (needed before polling mode can fetch updates).
    DeleteWebhook,
    /// Give the bot the name lock-screen notifications show (channels.telegram.display_name).
    SetName {
        /// Instead of the setting.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Add a user; the password is read from the first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        /// counselor, supervisor or admin
        #[arg(long)]
        role: String,
    },
    /// Issue an API token for a user and print only the token (audited); with --revoke,
    /// revoke every token the user has instead. A person with a second factor gives a current
    /// code from their app on standard input; one whose role requires a second factor gets no
    /// token until they have set it up.
    Token {
        #[arg(long)]
        email: String,
        /// Days until the token runs out (default: auth.token_days).
        #[arg(long)]
        days: Option<i64>,
        #[arg(long)]
        revoke: bool,
    },
    /// Remove a person's second factor when they have lost both their phone and their recovery
    /// codes (audited; their sessions end, and a role that requires one enrols again at the
    /// next sign-in). Check who is asking, outside the system, before running it.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Migrate => {
            migrate(&settings.database).await?;
            // What older versions stored in clear is sealed now that the schema has a place
            // for it (needs the key; without one, the next `migrate` with a key does it).
            if !settings.crypto.key.trim().is_empty() {
                let keys = crate::crypto::KeyRing::from_settings(&settings.crypto)?;
                let mut owner = settings.database.clone();
                if !owner.migration_url.trim().is_empty() {
                    owner.url = owner.migration_url.clone();
                }
                let sealed = crate::privacy::sealed::seal_legacy_sources(&pool(&owner)?, &keys)
                    .await
                    .context("cannot seal older plaintext fields")?;
                if sealed > 0 {
                    eprintln!("sealed {sealed} start text(s) stored in clear by an older version");
                }
            }
            Ok(())
        }
        Command::Serve { migrate: then } => {
            if then {
                migrate(&settings.database).await?;
            }
            serve(settings, clock).await
        }
        Command::Audit {
            action: AuditAction::Verify { head },
        } => audit_verify(&settings, head).await,
        Command::Keys { action } => keys_command(&settings, action).await,
        Command::SeedDemo => {
            migrate(&settings.database).await?;
            let db = pool(&settings.database)?;
            let ctx = context(settings, db, clock)?;
            crate::seed::seed_demo(&ctx).await
        }
        Command::SeedSynthetic { contacts, cases } => {
            migrate(&settings.database).await?;
            let db = pool(&settings.database)?;
            let ctx = context(settings, db, clock.clone())?;
            let seeded = crate::seed_synthetic::seed_synthetic(
                &ctx.db,
                &ctx.keys,
                contacts,
                cases,
                clock.now(),
            )
            .await?;
            eprintln!(
                "added {} synthetic cases and {} messages in {:.1} s",
                seeded.cases, seeded.messages, seeded.seconds
            );
            Ok(())
        }
        Command::Telegram { action } => telegram(&settings, action).await,
        Command::Stats {
            action: StatsAction::Export(args),
        } => crate::supervisor::export_command::run(&settings, &args, clock.now()).await,
        Command::Partners { action } => partners(settings, clock, action).await,
        Command::Retention { dry_run } => retention(settings, clock, dry_run).await,
        Command::Score(args) => crate::score_command::run(&args, &settings.triage),
        Command::Triage { action } => {
            crate::safety_net_command::run(&action, &settings.triage.rules_path)
        }
        Command::User {
            action: UserAction::Add { email, role },
        } => {
            let Ok(role) = Role::parse("role", &role) else {
                bail!("--role must be one of: counselor, supervisor, admin");
            };
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = pool(&settings.database)?;
            match users::create(&db, &email, role, password, clock.now()).await {
                Ok(user) => {
                    eprintln!("added {} as {}", user.email, user.role);
                    Ok(())
                }
                Err(AuthError::DuplicateEmail) => bail!("a user with email {email} already exists"),
                Err(AuthError::Invalid(f)) => bail!("{}: {}", f.field, f.message),
                Err(e) => Err(e).context("cannot add the user"),
            }
        }
        Command::User {
            action: UserAction::ResetSecondFactor { email },
        } => {
            crate::audit::chain::install_key(crate::audit::chain::key_from_settings(&settings)?);
            let db = pool(&settings.database)?;
            let Some(user) = users::find_by_email(&db, &email)
                .await
                .context("cannot reach PostgreSQL")?
            else {
                bail!("no user with email {email}")
            };
            let now = clock.now();
            let mut tx = db.begin().await.context("cannot reach PostgreSQL")?;
            crate::auth::second_factor::store::remove(&mut tx, user.id)
                .await
                .context("cannot remove the second factor")?;
            crate::auth::sessions::end_all(&mut *tx, user.id, now)
                .await
                .context("cannot end the sessions")?;
            crate::auth::audit::record(
                &mut *tx,
                None,
                "auth.second_factor_reset",
                None,
                serde_json::json!({ "user_id": user.id }),
                now,
            )
            .await
            .context("cannot audit the reset")?;
            tx.commit().await.context("cannot commit the reset")?;
            eprintln!("removed the second factor of {email}; their sessions have ended");
            Ok(())
        }
        Command::User {
            action:
                UserAction::Token {
                    email,
                    days,
                    revoke,
                },
        } => {
            crate::audit::chain::install_key(crate::audit::chain::key_from_settings(&settings)?);
            let db = pool(&settings.database)?;
            let user = users::find_by_email(&db, &email)
                .await
                .context("cannot reach PostgreSQL")?;
            let now = clock.now();
            if revoke {
                let Some(user) = user else {
                    bail!("no user with email {email}")
                };
                let count = tokens::revoke_all(&db, user.id, now)
                    .await
                    .context("cannot revoke the tokens")?;
                crate::auth::audit::record(
                    &db,
                    None,
                    "auth.tokens_revoked",
                    None,
                    serde_json::json!({ "user_id": user.id, "count": count }),
                    now,
                )
                .await
                .context("cannot audit the revocation")?;
                eprintln!("revoked {count} token(s) of {email}");
                return Ok(());
            }
            let Some(user) = user.filter(|u| u.active) else {
                bail!("no active user with email {email}")
            };
            let days = days.unwrap_or(settings.auth.token_days);
            if !(1..=3650).contains(&days) {
                bail!("--days must be 1 to 3650");
            }
            let second_factor = crate::auth::second_factor::store::enabled(&db, user.id)
                .await
                .context("cannot reach PostgreSQL")?;
            if second_factor {
                let keys = crate::crypto::KeyRing::from_settings(&settings.crypto)?;
                eprintln!("{email} signs in with a second factor: type their current code");
                let mut code = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut code)
                    .context("cannot read the code from standard input")?;
                let proof =
                    crate::auth::second_factor::store::check(&db, &keys, user.id, code.trim(), now)
                        .await
                        .context("cannot check the code")?;
                if proof.is_none() {
                    bail!("the code is not right (or was used already): no token issued");
                }
            } else if crate::auth::second_factor::required_for(&settings.auth, &user) {
                bail!(
                    "{email} is a {} and must set up a second factor first (console: /console/second-factor); no token issued",
                    user.role
                );
            }
            let issued = tokens::issue(&db, user.id, now, days)
                .await
                .context("cannot store the token")?;
            crate::auth::audit::record(
                &db,
                None,
                "auth.token_issued",
                None,
                serde_json::json!({
                    "user_id": user.id,
                    "token_id": issued.id,
                    "expires_at": crate::domain::time::format(&issued.expires_at),
                    "second_factor": second_factor,
                }),
                now,
            )
            .await
            .context("cannot audit the token")?;
            #[expect(clippy::print_stdout, reason = "the token is the command's output")]
            {
                println!("{}", issued.token);
            }
            Ok(())
        }
    }
}

async fn partners(
    settings: Settings,
    clock: Arc<dyn Clock>,
    action: PartnersAction,
) -> anyhow::Result<()> {
    use crate::partners::exchange::{self, Format};
    migrate(&settings.database).await?;
    let db = pool(&settings.database)?;
    let ctx = context(settings, db, clock)?;
    match action {
        PartnersAction::Import { file, format } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let format = match format.as_deref() {
                Some(f) => Format::parse(f),
                None => Format::of_file(file.extension().and_then(|e| e.to_str()), &text),
            }
            .context("--format must be hsds, csv or directory (or name the file .json or .csv)")?;
            match exchange::import(&ctx, format, &text).await {
                Ok(n) => {
                    eprintln!("imported {n} partners from {}", file.display());
                    Ok(())
                }
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{}: {e}", file.display());
                    }
                    bail!("nothing was imported ({} problems)", errors.len())
                }
            }
        }
        PartnersAction::Export { format } => {
            let format =
                Format::parse(&format).context("--format must be hsds, csv or directory")?;
            let text = exchange::export(&ctx, format).await?;
            #[expect(clippy::print_stdout, reason = "the export is the command's output")]
            {
                print!("{text}");
            }
            Ok(())
        }
    }
}

#[expect(
    clippy::print_stdout,
    reason = "the status and keys are the command's output"
)]
async fn keys_command(settings: &Settings, action: KeysAction) -> anyhow::Result<()> {
    use base64::Engine as _;
    match action {
        KeysAction::Generate => {
            println!(
                "{}",
                base64::engine::general_purpose::STANDARD
                    .encode(crate::crypto::random_bytes::<32>())
            );
            return Ok(());
        }
        KeysAction::AuditKey => {
            let key = crate::audit::chain::key_from_settings(settings)?;
            println!("{}", base64::engine::general_purpose::STANDARD.encode(key));
            return Ok(());
        }
        KeysAction::Status { .. } | KeysAction::Reencrypt { .. } => {}
    }
    let keys = crate::crypto::KeyRing::from_settings(&settings.crypto)?;
    let db = pool(&settings.database)?;
    match action {
        KeysAction::Status { json } => {
            let status = crate::crypto::reencrypt::status(&db, &keys)
                .await
                .context("cannot count rows")?;
            let left: i64 = status.iter().map(|c| c.remaining).sum();
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "current_key_id": keys.current_id(),
                        "remaining": left,
                        "columns": status,
                    })
                );
                return Ok(());
            }
            println!("current key: {}", keys.current_id());
            println!("{:<44} {:>9} {:>9}  by key", "table.column", "rows", "left");
            for c in &status {
                let by_key: Vec<String> = c
                    .by_key
                    .iter()
                    .map(|(id, bound, n)| format!("{id}{}={n}", if *bound { "+bound" } else { "" }))
                    .collect();
                println!(
                    "{:<44} {:>9} {:>9}  {}",
                    format!("{}.{}", c.table, c.column),
                    c.total,
                    c.remaining,
                    by_key.join(" ")
                );
            }
            if left == 0 {
                println!("done: every row is under key {}", keys.current_id());
            } else {
                println!("{left} row(s) left under older keys: `hotline keys reencrypt`");
            }
        }
        KeysAction::Reencrypt { batch } => {
            let pass =
                crate::crypto::reencrypt::reencrypt_all(&db, &keys, batch.max(1), |t, c, p| {
                    eprintln!("{t}.{c}: {} resealed, {} rehashed", p.resealed, p.rehashed);
                    true
                })
                .await
                .context("re-encryption stopped (run it again to resume)")?;
            println!(
                "re-encrypted {} value(s), recomputed {} lookup hash(es) under key {}",
                pass.resealed,
                pass.rehashed,
                keys.current_id()
            );
            if pass.unreadable > 0 {
                println!(
                    "{} value(s) open under no configured key and were left as they are",
                    pass.unreadable
                );
            }
        }
        KeysAction::Generate | KeysAction::AuditKey => {}
    }
    Ok(())
}

async fn retention(settings: Settings, clock: Arc<dyn Clock>, dry_run: bool) -> anyhow::Result<()> {
    let db = pool(&settings.database)?;
    let ctx = context(settings, db, clock)?;
    let schedule = ctx.settings.retention.clone();
    let counts = crate::retention::sweep(&ctx, &schedule, ctx.now(), dry_run)
        .await
        .context("the retention sweep stopped")?;
    if !dry_run {
        crate::retention::sweep::report(&counts);
    }
    let verb = if dry_run { "would erase" } else { "erased" };
    #[expect(clippy::print_stdout, reason = "the counts are the command's output")]
    {
        println!(
            "{verb}: contacts without a case: {}; closed cases (personal fields): {}; attachments: {}; unreadable events: {}",
            counts.contacts_without_case,
            counts.closed_cases,
            counts.attachments,
            counts.unreadable_events
        );
    }
    Ok(())
}

async fn audit_verify(settings: &Settings, head: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    use crate::audit::chain;
    let key = chain::key_from_settings(settings)?;
    let head_path = head.or_else(|| {
        (!settings.audit.head_file.as_os_str().is_empty()).then(|| settings.audit.head_file.clone())
    });
    let recorded = head_path.as_deref().map(chain::read_head).transpose()?;
    let db = pool(&settings.database)?;
    match chain::verify(&db, &key, recorded.as_ref())
        .await
        .context("cannot read the audit log")?
    {
        Ok(v) => {
            #[expect(clippy::print_stdout, reason = "the count is the command's output")]
            {
                println!(
                    "audit log verified: {} entries checked ({} older entries before the chain){}",
                    v.entries,
                    v.before_chain,
                    if recorded.is_some() {
                        ", head present"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        Err(broken) => bail!("audit log broken: {broken}"),
    }
}

async fn telegram(settings: &Settings, action: TelegramAction) -> anyhow::Result<()> {
    let tg = &settings.channels.telegram;
    match action {
        TelegramAction::SetWebhook { url } => {
            crate::channels::telegram::set_webhook(tg, &url).await?;
            eprintln!("webhook set; Telegram will POST updates to the given URL with the secret");
        }
        TelegramAction::DeleteWebhook => {
            crate::channels::telegram::delete_webhook(tg).await?;
            eprintln!("webhook removed");
        }
        TelegramAction::SetName { name } => {
            let name = crate::channels::telegram::set_name(tg, name.as_deref()).await?;
            eprintln!("the bot is now called {name:?} in chats and notifications");
        }
    }
    Ok(())
}

/// SIGHUP reloads the triage rules; invalid files are logged and the running rules stay.
async fn reload_rules_on_sighup(ctx: crate::context::AppContext, stop: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; reload the rules through the API instead");
        stop.cancelled().await;
        return;
    };
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            hangup = hangups.recv() => if hangup.is_none() { return },
        }
        match ctx.rules_cell.reload() {
            Ok(rules) => tracing::info!(rules.version = %rules.version, "triage rules reloaded"),
            Err(e) => {
                tracing::error!(error = %e, "triage rules not reloaded; the running rules stay")
            }
        }
    }
}

/// `hotline serve`: the HTTP server and the supervised background tasks. SIGTERM or SIGINT stop
/// the server gracefully (requests in flight finish, `server.shutdown_timeout` at most), then the
/// background tasks (the current job and mailbox round finish; leader locks are let go).
async fn serve(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    // Keys and rules are checked before touching the database, so a bad setting is reported
    // as itself rather than as a connection error.
    let ctx = context(settings.clone(), pool(&settings.database)?, clock)?;
    // Safe hours stored in plaintext before the rules were versioned are sealed now (the
    // migration cannot: only the app holds the key).
    let sealed = crate::safe_contact::seal_plaintext_safe_hours(&ctx.db, &ctx.keys, ctx.now())
        .await
        .context("sealing plaintext safe hours")?;
    if sealed > 0 {
        tracing::info!(reporters = sealed, "sealed plaintext safe hours");
    }
    let app = Application::build(ctx.clone())?;
    tracing::info!(port = app.port(), "hotline is serving");
    let background = start_background(&ctx);
    let served = app.run_until_stopped().await;
    tracing::info!("the HTTP server stopped; stopping background tasks");
    background
        .shutdown(std::time::Duration::from_secs(30))
        .await;
    served.context("the HTTP server stopped with an error")
}

fn start_background(ctx: &crate::context::AppContext) -> Supervisor {
    let mut tasks = Supervisor::default();
    let c = ctx.clone();
    tasks.spawn("rules_reload", move |stop| {
        reload_rules_on_sighup(c.clone(), stop)
    });
    let tg = &ctx.settings.channels.telegram;
    if tg.enabled && tg.mode == crate::settings::TelegramMode::Polling {
        let c = ctx.clone();
        tasks.spawn("telegram_polling", move |stop| {
            crate::channels::telegram::run_telegram_polling(c.clone(), stop)
        });
    }
    if ctx.settings.channels.email.enabled {
        let c = ctx.clone();
        tasks.spawn("mailbox_reading", move |stop| {
            crate::channels::email::run_email_reading(c.clone(), stop)
        });
    }
    if ctx.settings.telephony.ami.enabled {
        let c = ctx.clone();
        tasks.spawn("asterisk_ami", move |stop| {
            crate::channels::phone::run_ami(c.clone(), stop)
        });
    }
    if ctx.settings.server.intake_inbox && ctx.settings.server.intake_concurrency > 0 {
        let c = ctx.clone();
        tasks.spawn("webhook_inbox", move |stop| {
            crate::channels::inbox::run_reading(c.clone(), stop)
        });
    }
    let c = ctx.clone();
    tasks.spawn("keys_reencrypt", move |stop| {
        crate::crypto::reencrypt::run_periodically(c.clone(), stop)
    });
    let c = ctx.clone();
    tasks.spawn("surge_watch", move |stop| {
        crate::surge::watch_arrivals(c.clone(), stop)
    });
    let c = ctx.clone();
    tasks.spawn("audit_head", move |stop| {
        crate::audit::chain::record_head_periodically(c.clone(), stop)
    });
    let jobs = ctx.settings.jobs.clone();
    if jobs.enabled && ctx.settings.retention.enabled {
        // The daily sweep is a job: one node runs it, and it queues the next day's.
        let c = ctx.clone();
        tokio::spawn(async move {
            if let Err(e) =
                crate::retention::schedule_next_sweep(&c.db, &c.settings.retention, c.now()).await
            {
                tracing::warn!(error = %e, "cannot schedule the retention sweep");
            }
        });
    }
    if jobs.enabled {
        for (lane, registry) in crate::messaging::job_lanes() {
            let c = ctx.clone();
            tasks.spawn(lane, move |stop| {
                crate::jobs::run_until_stopped(
                    c.clone(),
                    registry.clone(),
                    std::time::Duration::from_millis(jobs.poll_interval_ms),
                    jobs.backoff_base_seconds,
                    stop,
                )
            });
        }
    }
    tasks
}
