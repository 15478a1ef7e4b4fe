//! Twilio status callbacks: form-encoded POSTs signed with `X-Twilio-Signature`, which is
//! Base64(HMAC-SHA1(auth token, full URL + every parameter name and value, sorted by name)).
//! A callback's `CallStatus` maps to a call event.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::{CallEvent, Outcome};

pub const HEADER: &str = "x-twilio-signature";

fn digest(auth_token: &str, url: &str, params: &[(String, String)]) -> Option<Vec<u8>> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    Some(mac.finalize().into_bytes().to_vec())
}

/// Whether `header` is Twilio's signature of this request (compared in constant time).
pub fn signature_matches(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    header: Option<&[u8]>,
) -> bool {
    if auth_token.is_empty() {
        return false;
    }
    let Some(claimed) = header.and_then(|h| {
        base64::engine::general_purpose::STANDARD
            .decode(h.trim_ascii())
            .ok()
    }) else {
        return false;
    };
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return false;
    };
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    mac.verify_slice(&claimed).is_ok()
}

/// The signature Twilio would send (for tests and demos).
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    digest(auth_token, url, params)
        .map(|d| base64::engine::general_purpose::STANDARD.encode(d))
        .unwrap_or_default()
}

/// A status callback as a call event; `None` for a status that is not an ending (`ringing`,
/// `in-progress`) or a callback missing `CallSid` or `From`.
pub fn call_event(pbx: &str, params: &[(String, String)], now: DateTime<Utc>) -> Option<CallEvent> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let outcome = match get("CallStatus")? {
        "completed" => Outcome::Answered,
        "busy" => Outcome::Busy,
        "no-answer" => Outcome::NoAnswer,
        "failed" => Outcome::Failed,
        // The caller hung up before anyone answered.
        "canceled" => Outcome::Abandoned,
        _ => return None,
    };
    let at = get("Timestamp")
        .and_then(|t| DateTime::parse_from_rfc2822(t).ok())
        .map_or(now, |t| t.with_timezone(&Utc));
    Some(CallEvent {
        pbx: pbx.to_owned(),
        call_id: get("CallSid")?.to_owned(),
        caller: get("From")?.to_owned(),
        dialed: get("To").map(str::to_owned),
        outcome,
        hold_seconds: get("QueueTime").and_then(|s| s.parse().ok()),
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn twilios_documented_example_signature_matches() {
        // The example from Twilio's "Validating requests" documentation.
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let params = p(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        let token = "12345";
        assert_eq!(sign(token, url, &params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(signature_matches(
            token,
            url,
            &params,
            Some(b"0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        ));
        assert!(!signature_matches(
            "54321",
            url,
            &params,
            Some(b"0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        ));
        assert!(!signature_matches(token, url, &params, None));
    }

    #[test]
    fn a_canceled_call_is_abandoned_and_ringing_is_no_event() {
        let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        let e = call_event(
            "twilio",
            &p(&[
                ("CallSid", "CA1"),
                ("CallStatus", "canceled"),
                ("From", "+66812345678"),
                ("To", "+6621234567"),
            ]),
            now,
        );
        assert_eq!(e.map(|e| e.outcome), Some(Outcome::Abandoned));
        assert!(
            call_event(
                "twilio",
                &p(&[
                    ("CallSid", "CA1"),
                    ("CallStatus", "ringing"),
                    ("From", "+1")
                ]),
                now
            )
            .is_none()
        );
    }
}

/// Hostile input (issue 18): whatever arrives, the parser answers `Ok` or `Err`, never a panic.
/// The bounded `cargo fuzz` targets in `fuzz/` search further (docs/reliability.md).
#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn call_events_on_arbitrary_parameters(params in proptest::collection::vec(("\\PC{0,20}", "\\PC{0,40}"), 0..20)) {
            let now = chrono::DateTime::<chrono::Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
            let _ = super::call_event("pbx", &params, now);
            let _ = super::signature_matches("token", "https://h.example/x", &params, Some(b"sig"));
        }
    }
}
