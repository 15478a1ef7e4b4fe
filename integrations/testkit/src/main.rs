//! `hotline-testkit`: runs a platform stand-in by hand, for demos and manual testing.
//!
//! `hotline-testkit telegram --port 8081` serves the Telegram Bot API stand-in until Ctrl-C.
//! Point the app's Telegram API URL at the printed address and play the person with the demo
//! endpoints.
//!
//! `hotline-testkit line --port 8082 --channel-secret S --access-token T --webhook URL` does the
//! same for LINE. LINE has no setWebhook call (the URL is set in the LINE console), so the
//! app's webhook URL is given here, and the secret and token must match the app's config.

use clap::{Parser, Subcommand};
use hotline_testkit::{LineStandIn, TelegramStandIn};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hotline-testkit",
    about = "Local stand-ins for the chat platforms hotline talks to"
)]
struct Cli {
    #[command(subcommand)]
    platform: Platform,
}

#[derive(Subcommand)]
enum Platform {
    /// The Telegram Bot API, plus demo endpoints that play the person in the chat.
    Telegram {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8081)]
        port: u16,
    },
    /// The LINE Messaging API, plus demo endpoints that play the person in the chat and post
    /// signed webhook events to the app.
    Line {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8082)]
        port: u16,
        /// The channel secret the app verifies `x-line-signature` with.
        #[arg(long)]
        channel_secret: String,
        /// The channel access token the app sends as `Authorization: Bearer`.
        #[arg(long)]
        access_token: String,
        /// The app's LINE webhook URL, where demo events are posted.
        #[arg(long)]
        webhook: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hotline-testkit: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> std::io::Result<()> {
    match cli.platform {
        Platform::Telegram { port } => {
            let stand_in = TelegramStandIn::start_on(port)?;
            let url = stand_in.api_url();
            println!("Telegram Bot API stand-in at {url}");
            println!("  Bot API:   {url}/bot<token>/<method>");
            println!(
                "  play a person: curl -X POST {url}/demo/chats/5550001/messages -H 'Content-Type: application/json' -d '{{\"start\": \"\"}}'"
            );
            println!("  see replies:   curl {url}/demo/chats/5550001/messages");
            println!("Ctrl-C stops it.");
            wait_for_ctrl_c()?;
            drop(stand_in);
            Ok(())
        }
        Platform::Line {
            port,
            channel_secret,
            access_token,
            webhook,
        } => {
            let stand_in = LineStandIn::start_on(port, &channel_secret, &access_token)?;
            let url = stand_in.api_url();
            println!("LINE Messaging API stand-in at {url}");
            println!(
                "  API:       {url}/v2/bot/message/reply, /v2/bot/message/push, /v2/bot/profile/<userId>"
            );
            match &webhook {
                Some(webhook) => {
                    stand_in.set_webhook(webhook);
                    println!("  webhook:   {webhook} (events signed with the channel secret)");
                }
                None => println!(
                    "  webhook:   none; demo messages are refused until --webhook is given"
                ),
            }
            let user = "U0123456789abcdef0123456789abcdef";
            println!(
                "  play a person: curl -X POST {url}/demo/users/{user}/messages -H 'Content-Type: application/json' -d '{{\"follow\": true}}'"
            );
            println!(
                "                 ... -d '{{\"text\": \"ช่วยด้วย\"}}', -d '{{\"choice\": \"<postback data>\"}}', -d '{{\"unfollow\": true}}'"
            );
            println!("  see replies:   curl {url}/demo/users/{user}/messages");
            println!("Ctrl-C stops it.");
            wait_for_ctrl_c()?;
            drop(stand_in);
            Ok(())
        }
    }
}

fn wait_for_ctrl_c() -> std::io::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?
        .block_on(tokio::signal::ctrl_c())
}
