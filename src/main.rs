//! Entry point: parse the command line, load settings, run the command. Errors leave as one
//! line on stderr with a non-zero exit code.

use clap::Parser;

use hotline::cli::{Cli, run};
use hotline::settings::Settings;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hotline: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    hotline::telemetry::init(&settings.log);
    match run(cli, settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hotline: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
