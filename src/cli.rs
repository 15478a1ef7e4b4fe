//! The `hotline` command line: serve | migrate | seed-demo | user add | user token.

use std::io::BufRead;
use std::sync::Arc;

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

async fn serve(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let jobs = settings.jobs.clone();
    // Keys and rules are checked before touching the database, so a bad setting is reported
    // as itself rather than as a connection error.
    let ctx = context(settings.clone(), pool(&settings.database)?, clock)?;
    migrate(&settings.database).await?;
    let app = Application::build(ctx.clone())?;
    tracing::info!(port = app.port(), "hotline is serving");
    if jobs.enabled {
        let registry = crate::jobs::Registry::default();
        let poll = std::time::Duration::from_millis(jobs.poll_interval_ms);
        tokio::spawn(crate::jobs::run_until_stopped(
            ctx,
            registry,
            poll,
            jobs.backoff_base_seconds,
        ));
    }
    app.run_until_stopped()
        .await
        .context("the HTTP server stopped with an error")
}
