//! Typed settings: `config/base.yaml`, then `config/<profile>.yaml`, then the environment.
//!
//! Every key has a default in `base.yaml`. The environment overrides any key with `HOTLINE_`
//! plus its path (`__` between levels); `DATABASE_URL` and `REDIS_URL` are honoured as they are.
//! Secrets are read only from the environment. A missing or invalid setting is one clear error
//! line naming the key, so a misconfigured node refuses to start instead of half-working.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Environment variables that start with `HOTLINE_` but are not settings.
const NOT_SETTINGS: &[&str] = &[
    "HOTLINE_PROFILE",
    "HOTLINE_CONFIG_DIR",
    "HOTLINE_REQUIRE_BROWSER",
    "HOTLINE_SCREENSHOTS",
];

#[derive(Debug, thiserror::Error)]
#[error("invalid setting: {0}")]
pub struct SettingsError(pub String);

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub crypto: CryptoSettings,
    pub auth: AuthSettings,
    pub queue: QueueSettings,
    pub triage: TriageSettings,
    pub jobs: JobSettings,
    pub channels: ChannelSettings,
    pub conversation: ConversationSettings,
    pub log: LogSettings,
    pub targets: TargetSettings,
    pub stats: StatsSettings,
    pub privacy: PrivacySettings,
    pub retention: RetentionSettings,
    pub audit: AuditSettings,
    pub referrals: ReferralSettings,
    pub callbacks: CallbackSettings,
    pub telephony: TelephonySettings,
    pub surge: SurgeSettings,
}

/// Surge mode (issue 18): when arrivals outrun the counselors, the bot asks only the essentials
/// and tells people honestly how long an answer may take.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeSettings {
    /// New cases in the last hour (counted in PostgreSQL) at or above which the hotline
    /// switches itself into surge; 0 switches it only by hand.
    pub auto_threshold_per_hour: i64,
    /// A surge the hotline started itself ends once this many minutes have stayed quiet (fewer
    /// arrivals in them than half the threshold's rate) and at least this long has passed since
    /// it began. A surge a supervisor started ends only by hand.
    pub quiet_minutes: i64,
    /// How often `serve` checks the arrivals.
    pub check_seconds: u64,
}

/// Scheduled callbacks: attempts, back-off, overdue flag, follow-up plans.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackSettings {
    /// Attempts before a callback is escalated (critical, high) or closed as unreachable.
    pub max_attempts: i64,
    /// A due window passed by this long flags the callback overdue (queue, metrics).
    pub overdue_after_seconds: i64,
    /// The first retry after a failed attempt waits this long, doubling each time, and then
    /// moves into the next safe window.
    pub retry_after_seconds: i64,
    /// Follow-up callbacks after a referral or an assisted closing, in months.
    pub follow_up_months: Vec<u32>,
}

/// The phone system: missed and abandoned calls become callback candidates.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelephonySettings {
    pub enabled: bool,
    /// HMAC-SHA256 key of `X-Hotline-Signature` (secret: environment only).
    pub webhook_secret: String,
    /// `candidate`: a counselor decides every missed call; `callback`: schedule directly when
    /// the number belongs to someone whose rules allow phone contact first.
    pub missed_call_policy: MissedCallPolicy,
    /// Missed calls from one number within this many seconds join one candidate.
    pub repeat_window_seconds: i64,
    /// Read call events from Asterisk's Manager Interface.
    pub ami: AmiSettings,
    /// Twilio status callbacks at POST /api/v1/telephony/twilio/status.
    pub twilio: TwilioSettings,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioSettings {
    pub enabled: bool,
    /// HOTLINE_TELEPHONY__TWILIO__AUTH_TOKEN (environment only): the key of X-Twilio-Signature.
    pub auth_token: String,
    /// The status-callback URL exactly as configured at Twilio (it is part of the signature).
    pub public_url: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmiSettings {
    pub enabled: bool,
    /// host:port of the AMI listener (5038).
    pub address: String,
    pub username: String,
    /// HOTLINE_TELEPHONY__AMI__SECRET (environment only).
    pub secret: String,
    /// The name call events carry as `pbx`.
    pub pbx: String,
}

impl std::fmt::Debug for TelephonySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelephonySettings")
            .field("enabled", &self.enabled)
            .field("missed_call_policy", &self.missed_call_policy)
            .field("repeat_window_seconds", &self.repeat_window_seconds)
            .finish_non_exhaustive()
    }
}

/// The audit log's chain (issue 17).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// HOTLINE_AUDIT__KEY: base64 of 32 bytes keying the chain's HMAC; derived from
    /// `crypto.key` when empty (then rotating `crypto.key` needs this set to the old value).
    pub key: String,
    /// Where the chain's newest entry is written (outside the database), or empty for the log
    /// only.
    pub head_file: PathBuf,
    pub head_interval_seconds: u64,
}

impl std::fmt::Debug for AuditSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSettings")
            .field("head_file", &self.head_file)
            .field("head_interval_seconds", &self.head_interval_seconds)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedCallPolicy {
    Candidate,
    Callback,
}

/// Need-to-know and the read audit (issue 17).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// How long breaking the glass opens a case in full.
    pub break_glass_minutes: i64,
    /// One person reading one case for one purpose is audited once per this many seconds (the
    /// console re-reads an open case on every live update).
    pub view_audit_seconds: i64,
    /// Phone-number lookups (`/reports/matches`) one staff member may make per hour.
    pub phone_lookups_per_hour: u32,
}

/// Retention schedules (issue 17): how long personal data is kept. 0 days keeps it for ever.
/// A case under legal hold is never touched.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Whether `serve` runs the daily sweep (`hotline retention` works either way).
    pub enabled: bool,
    /// The hour (UTC, 0-23) at which the daily sweep runs.
    pub run_at_hour_utc: u32,
    /// Chat contacts that never became a case (a greeting, a /start, spam): purged this many
    /// days after the person last wrote.
    pub contacts_without_case_days: i64,
    /// A closed case's personal fields are erased this many days after it was last changed;
    /// its statistics stay.
    pub closed_case_days: i64,
    /// Attachments (files, photos, voice messages) are deleted this many days after they
    /// arrived, whatever the case's status.
    pub attachment_days: i64,
    /// Platform events the hotline could not read (kept sealed for review) are deleted this
    /// many days after they arrived.
    pub unreadable_event_days: i64,
}

/// Targets of the supervisor's clocks besides the answer targets (those are the queue's,
/// `queue.answer_target_seconds`, one source of truth for aging and for the answer clock).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSettings {
    pub action_seconds: ActionTargets,
}

/// The action clock: from a case becoming critical (or high) to the first referral requested.
/// The acknowledgement is held to this plus the partner's `referrals.ack_target_seconds`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionTargets {
    pub critical: i64,
    /// Optional: without it, high cases are measured but judged against no target.
    #[serde(default)]
    pub high: Option<i64>,
}

impl ActionTargets {
    /// The target for a case that became `level` urgent (`None`: measured, not judged).
    pub fn for_level(&self, level: crate::domain::Level) -> Option<i64> {
        match level {
            crate::domain::Level::Critical => Some(self.critical),
            crate::domain::Level::High => self.high,
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsSettings {
    /// Counts from 1 to `suppress_below - 1` are shown as "<suppress_below" in exports.
    pub suppress_below: i64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    pub api_body_limit_bytes: usize,
    pub webhook_body_limit_bytes: usize,
    pub cookie_secure: bool,
    pub session_ttl_seconds: u64,
    pub time_zone: String,
    /// The internal listener (`/metrics`, `/health/ready`): its address and port (0: the public
    /// port + 1, or any free port when the public one is 0).
    pub internal_host: String,
    pub internal_port: u16,
    /// Proxies whose `X-Forwarded-For` names the client (addresses or CIDR networks).
    pub trusted_proxies: Vec<String>,
    /// A write (any method but GET and HEAD) still unanswered after this long is answered 503
    /// `deadline_exceeded`, so a stalled database cannot hold a webhook or a report for ever;
    /// 0: no deadline.
    pub write_deadline_ms: u64,
    /// At most this many webhook requests (Telegram, LINE, call events) are worked on at once
    /// across the node's workers; the others wait for a turn. 0: no limit.
    pub intake_concurrency: usize,
    /// How long a webhook waits for its turn before it is answered 503 `busy` (the platform
    /// sends it again; nothing was written). Call events, and chat webhooks when
    /// `intake_inbox` is off.
    pub intake_wait_ms: u64,
    /// A Telegram or LINE webhook that gets no turn within `intake_inbox_after_ms` is not made
    /// to wait: its verified body is sealed into the inbox (one INSERT), answered 200, and read
    /// as soon as a turn is free (`channels::inbox`). Off: it waits `intake_wait_ms`, then 503.
    pub intake_inbox: bool,
    pub intake_inbox_after_ms: u64,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    /// DATABASE_MIGRATION_URL: the role `hotline migrate` connects as (owner of the schema);
    /// empty: `url`. When it names another role, the runtime role (`url`'s) is granted what it
    /// needs and only INSERT and SELECT on the audit log.
    pub migration_url: String,
    pub max_connections: u32,
    pub acquire_timeout_ms: u64,
    /// A pooled connection idle this long is pinged before use; a busy one is not.
    pub ping_idle_after_seconds: u64,
    /// A second pool, of this many connections, for staff requests (the console and the staff
    /// API), so a flood of webhooks cannot take every connection a claim needs. 0: staff
    /// requests share the main pool.
    pub staff_connections: u32,
}

impl std::fmt::Debug for DatabaseSettings {
    // The URL may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &"[redacted]")
            .field("max_connections", &self.max_connections)
            .field("staff_connections", &self.staff_connections)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSettings {
    pub url: String,
    pub timeout_ms: u64,
    pub key_prefix: String,
}

impl std::fmt::Debug for RedisSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSettings")
            .field("url", &"[redacted]")
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CryptoSettings {
    pub key: String,
    /// A file holding `key` (base64), readable by its owner only (mode 0600 or stricter).
    #[serde(default)]
    pub key_file: String,
    pub key_id: String,
    pub previous_key: String,
    /// A file holding `previous_key`, like `key_file`.
    #[serde(default)]
    pub previous_key_file: String,
    pub previous_key_id: String,
    pub index_key: String,
    pub session_key: String,
    /// Rows re-encrypted per batch by the background job after a rotation.
    #[serde(default = "default_reencrypt_batch")]
    pub reencrypt_batch: i64,
    /// How often the background job looks for rows under an older key.
    #[serde(default = "default_reencrypt_interval_seconds")]
    pub reencrypt_interval_seconds: u64,
}

fn default_reencrypt_batch() -> i64 {
    200
}

fn default_reencrypt_interval_seconds() -> u64 {
    3600
}

impl CryptoSettings {
    /// Reads `key_file` and `previous_key_file` into `key` and `previous_key`, refusing a file
    /// other users could read (a key anyone on the machine can copy protects nothing).
    fn read_key_files(&mut self) -> Result<(), SettingsError> {
        for (setting, file, key) in [
            ("crypto.key_file", &self.key_file, &mut self.key),
            (
                "crypto.previous_key_file",
                &self.previous_key_file,
                &mut self.previous_key,
            ),
        ] {
            if file.trim().is_empty() {
                continue;
            }
            if !key.trim().is_empty() {
                return Err(SettingsError(format!(
                    "{setting}: set either the key file or the key itself, not both"
                )));
            }
            *key = read_key_file(setting, Path::new(file.trim()))?;
        }
        Ok(())
    }
}

/// The key in `path`, if only its owner may read it.
pub fn read_key_file(setting: &str, path: &Path) -> Result<String, SettingsError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| SettingsError(format!("{setting}: cannot read {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SettingsError(format!(
                "{setting}: {} can be read by other users (mode {mode:04o}); refusing to use it. \
                 Run `chmod 600 {}` (owner read/write only) and start again",
                path.display(),
                path.display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path)
        .map_err(|e| SettingsError(format!("{setting}: cannot read {}: {e}", path.display())))?;
    Ok(text.trim().to_owned())
}

impl std::fmt::Debug for CryptoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CryptoSettings")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub login_attempts_per_window: u32,
    pub login_attempts_per_address_per_window: u32,
    pub login_window_seconds: u64,
    /// Past the free failures, the first delay before another attempt; it doubles with each
    /// further failure, up to `login_delay_max_seconds`.
    pub login_delay_base_seconds: i64,
    pub login_delay_max_seconds: i64,
    /// A console session unused this long is over.
    pub idle_timeout_minutes: i64,
    /// A console session is over this long after sign-in, however busy.
    pub absolute_timeout_hours: i64,
    /// API tokens run out after this many days (`hotline user token --days` overrides).
    pub token_days: i64,
    /// Roles that must sign in with a second factor (TOTP); they are taken to enrolment
    /// before anything else, and their API tokens work only once it is set up.
    pub totp_required_roles: Vec<crate::auth::Role>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSettings {
    pub lease_seconds: i64,
    pub answer_target_seconds: AnswerTargets,
    /// The most cases one counselor may hold at once; claiming another is refused.
    pub max_held: i64,
    /// The case page warns its holder this long before the lease ends.
    pub lease_warning_seconds: i64,
}

/// How long a case of each level may wait before it is raised one level.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerTargets {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

impl AnswerTargets {
    /// The target, in seconds, for a case of this level.
    pub fn for_level(&self, level: crate::domain::Level) -> i64 {
        use crate::domain::Level;
        match level {
            Level::Critical => self.critical,
            Level::High => self.high,
            Level::Medium => self.medium,
            Level::Low => self.low,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageSettings {
    pub rules_path: PathBuf,
    pub safety_net: SafetyNetSettings,
}

/// The learned safety net beside the rules (docs/triage.md, "The safety net").
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyNetSettings {
    /// Lift a level one step where the model reads the wording as critical and the rules did not.
    pub enabled: bool,
    /// The model's weights (`hotline triage train --out` writes it).
    pub path: PathBuf,
}

impl TriageSettings {
    /// The safety net's file when it is enabled.
    pub fn safety_net_path(&self) -> Option<&std::path::Path> {
        self.safety_net
            .enabled
            .then_some(self.safety_net.path.as_path())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub enabled: bool,
    pub poll_interval_ms: u64,
    pub backoff_base_seconds: i64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    pub telegram: TelegramSettings,
    pub line: LineSettings,
    pub email: EmailSettings,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramSettings {
    pub enabled: bool,
    pub bot_token: String,
    pub webhook_secret: String,
    pub api_url: String,
    pub mode: TelegramMode,
    pub poll_timeout_seconds: u32,
    /// The bot's name as notifications show it; set with `hotline telegram set-name`.
    pub display_name: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSettings {
    pub enabled: bool,
    pub channel_secret: String,
    pub channel_access_token: String,
    pub api_url: String,
    /// How long after an event its reply token is still used for the bot's answer; later
    /// answers go by push.
    pub reply_token_seconds: i64,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub enabled: bool,
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_user: String,
    pub imap_password: String,
    pub imap_tls: MailTls,
    pub imap_folder: String,
    /// How often to look for new mail when the server has no IDLE (and as a safety net).
    pub poll_seconds: u64,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_user: String,
    pub smtp_password: String,
    pub smtp_tls: MailTls,
    /// The hotline's address: replies come from it, and mail from it is never a new report.
    pub from: String,
    /// `smtp` sends; `file` writes each message into `file_dir` instead (demos).
    pub mailer: MailerKind,
    pub file_dir: String,
    /// Attachments larger than this are recorded by name, type and size only.
    pub attachment_max_bytes: usize,
    /// A message larger than this is not parsed: it is kept sealed for review.
    pub max_message_bytes: usize,
    /// Triage reads at most this many characters of an email's text (all of it is stored).
    pub max_text_chars: usize,
    /// Answer a new email's sender with the case reference (never someone who asked not to
    /// be contacted first).
    pub auto_acknowledge: bool,
    /// The longest one SMTP exchange may take (connect, TLS, the message and the server's
    /// final answer) before the send counts as failed and is retried with the same Message-ID.
    pub smtp_timeout_seconds: u64,
}

/// How a mail connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTls {
    /// Plain text: only for a server on loopback (tests, demos).
    None,
    Starttls,
    Tls,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailerKind {
    Smtp,
    File,
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($t)).field("enabled", &self.enabled).finish_non_exhaustive()
            }
        }
    )*};
}
redacted_debug!(TelegramSettings, LineSettings, EmailSettings);

/// How Telegram updates reach hotline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TelegramMode {
    /// Telegram POSTs each update to /webhooks/telegram (needs a public HTTPS address).
    Webhook,
    /// hotline long-polls getUpdates (one node at a time, by a PostgreSQL advisory lock).
    Polling,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationSettings {
    /// One YAML file per language: en, th, lo, km, my, vi, zh.
    pub texts_dir: PathBuf,
    pub emergency_numbers_path: PathBuf,
    /// Whose emergency numbers the bot shows before the person's country is known.
    pub home_country: String,
    /// Bot replies per chat per minute; a flood beyond it is stored but not answered.
    pub bot_replies_per_minute: u64,
    /// For a reporter who asked never to be contacted first: how long after their last
    /// message a counselor may still answer.
    pub reply_window_hours: i64,
}

/// Referrals and the partner directory (issue 14).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralSettings {
    /// Directory entries not verified for this many days are flagged stale.
    pub stale_after_days: i64,
    /// How long a partner's link works.
    pub link_days: i64,
    /// How long a partner has to acknowledge a referral of each urgency before supervisors
    /// are told.
    pub ack_target_seconds: AnswerTargets,
    /// Where partners reach this hotline's `/r/{token}` pages (no trailing slash).
    pub public_base_url: String,
    /// What each partner type receives, and the request text per type and language.
    pub rules_path: PathBuf,
    /// The demo directory `seed-demo` loads.
    pub demo_partners_path: PathBuf,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub filter: String,
    pub format: String,
}

impl Settings {
    /// Loads settings from `config/` (or `HOTLINE_CONFIG_DIR`) and the process environment.
    /// The profile file (`HOTLINE_PROFILE`, e.g. `local` or `test`) is optional.
    pub fn load() -> Result<Settings, SettingsError> {
        let dir = std::env::var("HOTLINE_CONFIG_DIR").unwrap_or_else(|_| "config".to_owned());
        let profile = std::env::var("HOTLINE_PROFILE").ok();
        let env: HashMap<String, String> = std::env::vars().collect();
        Settings::load_from(Path::new(&dir), profile.as_deref(), &env)
    }

    /// Loads settings from a directory, an optional profile and a given environment; tests use
    /// this to build settings without touching the process environment.
    pub fn load_from(
        dir: &Path,
        profile: Option<&str>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        let base = dir.join("base.yaml");
        if !base.exists() {
            return Err(SettingsError(format!(
                "{} not found (run from the project root or set HOTLINE_CONFIG_DIR)",
                base.display()
            )));
        }
        let mut builder = config::Config::builder().add_source(config::File::from(base));
        if let Some(profile) = profile.filter(|p| !p.is_empty()) {
            let path = dir.join(format!("{profile}.yaml"));
            if !path.exists() {
                return Err(SettingsError(format!(
                    "HOTLINE_PROFILE: {} not found",
                    path.display()
                )));
            }
            builder = builder.add_source(config::File::from(path));
        }
        let overrides: HashMap<String, String> = env
            .iter()
            .filter(|(k, _)| {
                k.starts_with("HOTLINE_")
                    && !NOT_SETTINGS.contains(&k.as_str())
                    // The test suite's and demo scripts' own switches and ports.
                    && !k.starts_with("HOTLINE_TEST_")
                    && !k.starts_with("HOTLINE_DEMO_")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("HOTLINE")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                // HOTLINE_SERVER__TRUSTED_PROXIES="10.0.0.0/8,192.168.1.5" and
                // HOTLINE_AUTH__TOTP_REQUIRED_ROLES="supervisor,admin" are the lists.
                .list_separator(",")
                .with_list_parse_key("server.trusted_proxies")
                .with_list_parse_key("auth.totp_required_roles")
                .source(Some(overrides)),
        );
        for (var, key) in [
            ("DATABASE_URL", "database.url"),
            ("DATABASE_MIGRATION_URL", "database.migration_url"),
            ("REDIS_URL", "redis.url"),
        ] {
            if let Some(value) = env.get(var).filter(|v| !v.is_empty()) {
                builder = builder
                    .set_override(key, value.clone())
                    .map_err(|e| SettingsError(format!("{var}: {e}")))?;
            }
        }
        let settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| SettingsError(e.to_string()))?;
        let mut settings = settings;
        settings.crypto.read_key_files()?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what serde cannot: cross-field rules and required secrets of enabled channels.
    /// The crypto key itself is checked when the key ring is built.
    fn validate(&self) -> Result<(), SettingsError> {
        let fail = |key: &str, why: &str| Err(SettingsError(format!("{key}: {why}")));
        if self.server.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return fail("server.time_zone", "not an IANA time zone name");
        }
        for proxy in &self.server.trusted_proxies {
            if crate::auth::throttle::Network::parse(proxy).is_none() {
                return fail(
                    "server.trusted_proxies",
                    "each must be an IP address or a CIDR network",
                );
            }
        }
        if self.surge.auto_threshold_per_hour < 0 {
            return fail("surge.auto_threshold_per_hour", "must be 0 (off) or more");
        }
        if self.surge.quiet_minutes <= 0 || self.surge.check_seconds == 0 {
            return fail(
                "surge.quiet_minutes / surge.check_seconds",
                "must be positive",
            );
        }
        if self.auth.login_delay_base_seconds <= 0 || self.auth.login_delay_max_seconds <= 0 {
            return fail("auth.login_delay_*", "must be positive");
        }
        if self.auth.idle_timeout_minutes <= 0 || self.auth.absolute_timeout_hours <= 0 {
            return fail(
                "auth.idle_timeout_minutes / auth.absolute_timeout_hours",
                "must be positive",
            );
        }
        if !(1..=3650).contains(&self.auth.token_days) {
            return fail("auth.token_days", "must be 1 to 3650");
        }
        if self.queue.lease_seconds <= 0 {
            return fail("queue.lease_seconds", "must be positive");
        }
        if self.queue.max_held <= 0 {
            return fail("queue.max_held", "must be positive");
        }
        if self.queue.lease_warning_seconds < 0 {
            return fail("queue.lease_warning_seconds", "must be 0 or more");
        }
        let t = &self.queue.answer_target_seconds;
        for (key, v) in [
            ("critical", t.critical),
            ("high", t.high),
            ("medium", t.medium),
            ("low", t.low),
        ] {
            if v <= 0 {
                return fail(
                    &format!("queue.answer_target_seconds.{key}"),
                    "must be positive",
                );
            }
        }
        if self.targets.action_seconds.high.is_some_and(|h| h <= 0) {
            return fail("targets.action_seconds.high", "must be positive");
        }
        if self.targets.action_seconds.critical <= 0 {
            return fail("targets.action_seconds.critical", "must be positive");
        }
        if !(1..=1000).contains(&self.stats.suppress_below) {
            return fail("stats.suppress_below", "must be between 1 and 1000");
        }
        if self.conversation.home_country.len() != 2 {
            return fail(
                "conversation.home_country",
                "must be an ISO 3166 alpha-2 code",
            );
        }
        if !(1..=20).contains(&self.callbacks.max_attempts) {
            return fail("callbacks.max_attempts", "must be between 1 and 20");
        }
        if self.callbacks.overdue_after_seconds < 0 || self.callbacks.retry_after_seconds <= 0 {
            return fail(
                "callbacks.overdue_after_seconds",
                "must be 0 or more (and callbacks.retry_after_seconds positive)",
            );
        }
        if self
            .callbacks
            .follow_up_months
            .iter()
            .any(|m| !(1..=60).contains(m))
        {
            return fail("callbacks.follow_up_months", "each must be 1 to 60 months");
        }
        if self.telephony.enabled && self.telephony.webhook_secret.len() < 16 {
            return fail(
                "telephony.webhook_secret",
                "at least 16 characters are required when telephony is enabled (HOTLINE_TELEPHONY__WEBHOOK_SECRET)",
            );
        }
        let ami = &self.telephony.ami;
        if ami.enabled
            && (ami.address.is_empty() || ami.username.is_empty() || ami.secret.is_empty())
        {
            return fail(
                "telephony.ami",
                "address, username and secret are required when AMI is enabled (HOTLINE_TELEPHONY__AMI__SECRET)",
            );
        }
        let twilio = &self.telephony.twilio;
        if twilio.enabled && (twilio.auth_token.is_empty() || twilio.public_url.is_empty()) {
            return fail(
                "telephony.twilio",
                "auth_token and public_url are required when Twilio is enabled (HOTLINE_TELEPHONY__TWILIO__AUTH_TOKEN)",
            );
        }
        if self.telephony.repeat_window_seconds < 0 {
            return fail("telephony.repeat_window_seconds", "must be 0 or more");
        }
        let r = &self.referrals;
        if r.stale_after_days <= 0 {
            return fail("referrals.stale_after_days", "must be positive");
        }
        if !(1..=365).contains(&r.link_days) {
            return fail("referrals.link_days", "must be between 1 and 365");
        }
        let a = &r.ack_target_seconds;
        for (key, v) in [
            ("critical", a.critical),
            ("high", a.high),
            ("medium", a.medium),
            ("low", a.low),
        ] {
            if v <= 0 {
                return fail(
                    &format!("referrals.ack_target_seconds.{key}"),
                    "must be positive",
                );
            }
        }
        if !(r.public_base_url.starts_with("https://") || r.public_base_url.starts_with("http://"))
            || r.public_base_url.ends_with('/')
        {
            return fail(
                "referrals.public_base_url",
                "must be an http(s) URL without a trailing slash",
            );
        }
        if !["json", "pretty"].contains(&self.log.format.as_str()) {
            return fail("log.format", "must be json or pretty");
        }
        let tg = &self.channels.telegram;
        if tg.enabled && tg.mode == TelegramMode::Polling && tg.poll_timeout_seconds > 50 {
            return fail(
                "channels.telegram.poll_timeout_seconds",
                "must be at most 50 (Telegram's long-poll limit)",
            );
        }
        if tg.enabled {
            if tg.bot_token.is_empty() {
                return fail(
                    "channels.telegram.bot_token",
                    "required when the channel is enabled (HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN)",
                );
            }
            if tg.mode == TelegramMode::Webhook && tg.webhook_secret.is_empty() {
                return fail(
                    "channels.telegram.webhook_secret",
                    "required when the channel is enabled (HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET)",
                );
            }
        }
        let line = &self.channels.line;
        if line.enabled {
            if line.channel_secret.is_empty() {
                return fail(
                    "channels.line.channel_secret",
                    "required when the channel is enabled (HOTLINE_CHANNELS__LINE__CHANNEL_SECRET)",
                );
            }
            if line.channel_access_token.is_empty() {
                return fail(
                    "channels.line.channel_access_token",
                    "required when the channel is enabled (HOTLINE_CHANNELS__LINE__CHANNEL_ACCESS_TOKEN)",
                );
            }
            if !(1..=600).contains(&line.reply_token_seconds) {
                return fail(
                    "channels.line.reply_token_seconds",
                    "must be between 1 and 600",
                );
            }
        }
        let email = &self.channels.email;
        // Sending alone (referrals to partners) needs only the SMTP settings and `from`.
        if !email.enabled && !email.smtp_host.is_empty() {
            if !email.from.contains('@') {
                return fail(
                    "channels.email.from",
                    "must be an email address when smtp_host is set",
                );
            }
            let loopback = matches!(email.smtp_host.as_str(), "127.0.0.1" | "localhost" | "::1");
            if email.mailer == MailerKind::Smtp && email.smtp_tls == MailTls::None && !loopback {
                return fail(
                    "channels.email.smtp_tls",
                    "none (plain text) is only allowed for a server on loopback",
                );
            }
        }
        if email.enabled {
            for (key, v) in [
                ("imap_host", &email.imap_host),
                ("imap_user", &email.imap_user),
                ("imap_folder", &email.imap_folder),
                ("from", &email.from),
            ] {
                if v.is_empty() {
                    return fail(
                        &format!("channels.email.{key}"),
                        "required when the channel is enabled",
                    );
                }
            }
            if email.mailer == MailerKind::Smtp && email.smtp_host.is_empty() {
                return fail(
                    "channels.email.smtp_host",
                    "required when the mailer is smtp",
                );
            }
            if !email.from.contains('@') {
                return fail("channels.email.from", "must be an email address");
            }
            let loopback = |host: &str| matches!(host, "127.0.0.1" | "localhost" | "::1");
            if email.imap_tls == MailTls::None && !loopback(&email.imap_host) {
                return fail(
                    "channels.email.imap_tls",
                    "none (plain text) is only allowed for a server on loopback",
                );
            }
            if email.mailer == MailerKind::Smtp
                && email.smtp_tls == MailTls::None
                && !loopback(&email.smtp_host)
            {
                return fail(
                    "channels.email.smtp_tls",
                    "none (plain text) is only allowed for a server on loopback",
                );
            }
        }
        Ok(())
    }

    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.server
            .time_zone
            .parse()
            .unwrap_or(chrono_tz::Asia::Bangkok)
    }
}
