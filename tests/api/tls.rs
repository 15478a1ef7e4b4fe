//! TLS to PostgreSQL and Redis is chosen by the URL, as each server's own clients do:
//! `sslmode` in DATABASE_URL, `rediss://` in REDIS_URL.

use hotline::settings::DatabaseSettings;
use sqlx::ConnectOptions as _;

use crate::helpers::{database_url, test_settings};

fn database(url: String) -> DatabaseSettings {
    let mut settings = test_settings(Default::default()).unwrap().database;
    settings.url = url;
    settings
}

#[tokio::test]
async fn sslmode_require_in_database_url_encrypts_the_connection() {
    let url = format!("{}?sslmode=require", database_url("postgres"));
    let options = hotline::startup::connect_options(&database(url)).unwrap();
    let Ok(mut conn) = options.connect().await else {
        panic!("sslmode=require could not connect (does the test PostgreSQL have ssl = on?)");
    };
    let (encrypted,): (bool,) =
        sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(encrypted, "sslmode=require connected in clear");
}

#[tokio::test]
async fn sslmode_verify_full_refuses_a_server_certificate_no_trusted_authority_signed() {
    // The test server's certificate is self-signed: verify-full must not fall back to clear
    // text or to trusting it.
    let url = format!("{}?sslmode=verify-full", database_url("postgres"));
    let options = hotline::startup::connect_options(&database(url)).unwrap();
    assert!(options.connect().await.is_err());
}

#[test]
fn a_rediss_url_is_accepted() {
    assert!(redis::Client::open("rediss://cache.example:6380/0").is_ok());
    assert!(redis::Client::open("redis://127.0.0.1:6379").is_ok());
}
