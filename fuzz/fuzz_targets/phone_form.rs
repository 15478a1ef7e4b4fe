//! The phone-call form's JSON body, read and parsed as `POST /api/v1/reports` does.
#![no_main]
libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    hotline::fuzzing::phone_form(body);
});
