//! Settings: environment overrides, and one clear line naming a missing or invalid key.

use std::collections::HashMap;

use crate::helpers::{random_key, test_settings};

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn environment_variables_override_nested_keys() {
    let key = random_key();
    let s = test_settings(env(&[
        ("HOTLINE_CRYPTO__KEY", &key),
        ("HOTLINE_QUEUE__LEASE_SECONDS", "42"),
        ("HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET", "s3cret"),
        ("DATABASE_URL", "postgres://x@db.example:5432/hl"),
        ("REDIS_URL", "redis://cache:6380"),
    ]))
    .unwrap();
    assert_eq!(s.queue.lease_seconds, 42);
    assert_eq!(s.channels.telegram.webhook_secret, "s3cret");
    assert_eq!(s.database.url, "postgres://x@db.example:5432/hl");
    assert_eq!(s.redis.url, "redis://cache:6380");
    assert_eq!(s.server.time_zone, "Asia/Bangkok");
    assert!(!s.channels.telegram.enabled);
}

#[test]
fn an_invalid_value_names_its_key() {
    let err = test_settings(env(&[("HOTLINE_SERVER__PORT", "eighty")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("server.port"), "{err}");
    assert_eq!(err.lines().count(), 1);
    let err = test_settings(env(&[("HOTLINE_SERVER__TIME_ZONE", "Mars/Olympus")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("server.time_zone"), "{err}");
    let err = test_settings(env(&[("HOTLINE_SERVER__NOT_A_KEY", "1")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not_a_key"), "{err}");
}

#[test]
fn an_enabled_channel_without_its_secret_stops_startup_naming_the_key() {
    let err = test_settings(env(&[
        ("HOTLINE_CHANNELS__TELEGRAM__ENABLED", "true"),
        ("HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN", "1:abc"),
    ]))
    .unwrap_err()
    .to_string();
    assert!(err.contains("channels.telegram.webhook_secret"), "{err}");
    // A disabled channel needs nothing.
    assert!(test_settings(env(&[])).is_ok());
}

#[test]
fn a_missing_crypto_key_stops_the_binary_with_one_line_naming_it() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("serve")
        .env_remove("HOTLINE_CRYPTO__KEY")
        .env("HOTLINE_PROFILE", "test")
        .env(
            "DATABASE_URL",
            crate::helpers::database_url("hotline_never_created"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("HOTLINE_CRYPTO__KEY"), "{err}");
}
