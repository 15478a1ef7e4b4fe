//! The `hotline` command line: serve | migrate | seed-demo | user add | user token |
//! telegram set-webhook | telegram delete-webhook | score (see `score_command`).

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
    /// Apply pending migrations, then serve HTTP (and run background jobs).
    Serve,
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Create demo staff and example cases (safe to re-run; prints the demo logins).
    SeedDemo,
    /// Manage staff users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Score reports with the triage rules: JSON lines on stdin, or --eval FILE, or --check.
    Score(crate::score_command::ScoreArgs),
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
    /// Issue an API token for a user and print only the token.
    Token {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Migrate => migrate(&settings.database).await,
        Command::Serve => serve(settings, clock).await,
        Command::SeedDemo => {
            migrate(&settings.database).await?;
            let db = pool(&settings.database)?;
            let ctx = context(settings, db, clock)?;
            crate::seed::seed_demo(&ctx).await
        }
        Command::Telegram { action } => telegram(&settings, action).await,
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
            action: UserAction::Token { email },
        } => {
            let db = pool(&settings.database)?;
            let user = users::find_by_email(&db, &email)
                .await
                .context("cannot reach PostgreSQL")?;
            let Some(user) = user.filter(|u| u.active) else {
                bail!("no active user with email {email}")
            };
            let token = tokens::issue(&db, user.id, clock.now())
                .await
                .context("cannot store the token")?;
            #[expect(clippy::print_stdout, reason = "the token is the command's output")]
            {
                println!("{token}");
            }
            Ok(())
        }
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
    migrate(&settings.database).await?;
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
    let jobs = ctx.settings.jobs.clone();
    if jobs.enabled {
        let c = ctx.clone();
        tasks.spawn("jobs", move |stop| {
            crate::jobs::run_until_stopped(
                c.clone(),
                crate::messaging::job_registry(),
                std::time::Duration::from_millis(jobs.poll_interval_ms),
                jobs.backoff_base_seconds,
                stop,
            )
        });
    }
    tasks
}
