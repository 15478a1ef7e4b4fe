//! Logging. The rule (crates.io's, adopted): never log message text, names, phone numbers,
//! handles, emails, IP addresses, tokens or request bodies. Log ids, routes, statuses, counts.

use tracing_subscriber::EnvFilter;

use crate::settings::LogSettings;

pub fn init(settings: &LogSettings) {
    init_with_writer(settings, std::io::stderr);
}

/// [`init`] writing somewhere else: the sentinel scan captures the app's log to search it for
/// planted personal data.
pub fn init_with_writer<W>(settings: &LogSettings, writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // try_init: tests may start several apps in one process.
    let _ = if settings.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
