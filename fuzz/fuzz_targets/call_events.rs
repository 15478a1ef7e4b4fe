//! A phone system's call-event webhook: form parameters, read as `key=value` lines.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let params: Vec<(String, String)> = text
        .lines()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (l.to_owned(), String::new()),
        })
        .collect();
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let _ = hotline_phone::twilio::call_event("pbx", &params, now);
    let _ = hotline_phone::twilio::signature_matches("token", "https://h.example/x", &params, Some(data));
});
