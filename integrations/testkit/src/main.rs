//! `hotline-testkit`: runs a platform stand-in by hand, for demos and manual testing.
//!
//! `hotline-testkit telegram --port 8081` serves the Telegram Bot API stand-in until Ctrl-C.
//! Point the app's Telegram API URL at the printed address and play the person with the demo
//! endpoints.

use clap::{Parser, Subcommand};
use hotline_testkit::TelegramStandIn;
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
    }
}

fn wait_for_ctrl_c() -> std::io::Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?
        .block_on(tokio::signal::ctrl_c())
}
