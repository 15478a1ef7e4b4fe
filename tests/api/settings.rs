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

#[test]
fn the_key_can_come_from_a_file_only_its_owner_can_read_and_a_readable_one_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("hotline-key-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("crypto.key");
    let key = random_key();
    std::fs::write(&file, format!("{key}\n")).unwrap();
    let path = file.display().to_string();

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let s = test_settings(env(&[("HOTLINE_CRYPTO__KEY_FILE", &path)])).unwrap();
    assert_eq!(s.crypto.key, key);
    assert!(hotline::crypto::KeyRing::from_settings(&s.crypto).is_ok());

    for mode in [0o644, 0o640, 0o604] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let err = test_settings(env(&[("HOTLINE_CRYPTO__KEY_FILE", &path)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("crypto.key_file"), "{err}");
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains(&key), "the error shows the key: {err}");
    }
    // Both the key and a key file: which one is meant is unclear, so neither.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let err = test_settings(env(&[
        ("HOTLINE_CRYPTO__KEY_FILE", &path),
        ("HOTLINE_CRYPTO__KEY", &key),
    ]))
    .unwrap_err()
    .to_string();
    assert!(err.contains("not both"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
