//! What a person typed, read by triage with the real rules (run from the repository root's
//! `fuzz/` directory, so `../config/triage` is found).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hotline::fuzzing::triage_text(&String::from_utf8_lossy(data));
});
