//! A partner-directory import file (HSDS JSON, or CSV).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    hotline::fuzzing::directory_import(&String::from_utf8_lossy(data));
});
