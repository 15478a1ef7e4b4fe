//! The database as the app reaches it: one host, or the primary among several
//! (`DATABASE_URL=postgres://u@primary,standby/hotline?target_session_attrs=read-write`).
//! sqlx connects to one host only, so the host list is read here (`hosts`), and a task follows
//! the primary when a standby is promoted (`follow_primary`).

mod follow_primary;
mod hosts;

pub use follow_primary::{first_fitting_url, follow_primary, session_fits};
pub use hosts::{DatabaseHosts, SessionAttrs, split_hosts};
