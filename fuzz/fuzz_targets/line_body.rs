//! A LINE webhook body (after the signature check, which comes first in the app).
#![no_main]
libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    let _ = hotline_line::parse_webhook(body);
});
