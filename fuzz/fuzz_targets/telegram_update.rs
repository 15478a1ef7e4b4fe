//! A Telegram update body, as the webhook and long polling receive it.
#![no_main]
libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    let _ = hotline_telegram::parse_update(7_000_001, body);
});
