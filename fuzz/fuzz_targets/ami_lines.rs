//! Lines from an Asterisk Manager Interface connection, fed to the parser and the call mapper.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parser = hotline_phone::ami::Parser::default();
    let mut mapper = hotline_phone::ami::Mapper::new("pbx");
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    for line in text.split('\n') {
        if let Some(message) = parser.push_line(line) {
            let _ = mapper.map(&message, now);
        }
    }
});
