//! A raw email as the mailbox reader fetches it.
#![no_main]
libfuzzer_sys::fuzz_target!(|raw: &[u8]| {
    let _ = hotline_email::parse::parse_email(raw, &["hotline@example.org"]);
});
