//! Reading the text fields of a `multipart/form-data` body.
//!
//! Bot API clients send some methods as multipart (teloxide does for `setWebhook`, because the
//! method may carry a certificate). The stand-ins only need the text fields, so a few lines
//! here replace a multipart crate; file parts are skipped.

/// The `boundary` parameter of a `multipart/form-data` content type, if present.
pub(crate) fn boundary(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"'))
            .filter(|b| !b.is_empty())
    })
}

/// The body's text fields as (name, value) pairs, in order. Parts with a filename are files
/// and are left out.
pub(crate) fn text_fields(body: &[u8], boundary: &str) -> Result<Vec<(String, String)>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut next_delimiter = delimiter.clone();
    next_delimiter.splice(0..0, *b"\r\n");

    let first = find(body, &delimiter).ok_or("no multipart boundary in the body")?;
    let mut rest = &body[first + delimiter.len()..];
    let mut fields = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(fields);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a multipart boundary is not followed by a line break")?;
        let end = find(rest, &next_delimiter).ok_or("a multipart part is not closed")?;
        let part = &rest[..end];
        rest = &rest[end + next_delimiter.len()..];

        let header_end = find(part, b"\r\n\r\n").ok_or("a multipart part has no headers")?;
        let headers = String::from_utf8_lossy(&part[..header_end]);
        let content = &part[header_end + 4..];
        let Some(disposition) = headers.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        }) else {
            continue;
        };
        if disposition_param(disposition, "filename").is_some() {
            continue;
        }
        if let Some(name) = disposition_param(disposition, "name") {
            fields.push((name, String::from_utf8_lossy(content).into_owned()));
        }
    }
}

/// One parameter of a `Content-Disposition: form-data; name="x"` header.
fn disposition_param(disposition: &str, wanted: &str) -> Option<String> {
    disposition.split(';').skip(1).find_map(|param| {
        let (name, value) = param.trim().split_once('=')?;
        (name.trim() == wanted).then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_are_read_and_file_parts_skipped() {
        let body = concat!(
            "--XyZ\r\n",
            "Content-Disposition: form-data; name=\"url\"\r\n\r\n",
            "http://127.0.0.1:9/hook\r\n",
            "--XyZ\r\n",
            "Content-Disposition: form-data; name=\"certificate\"; filename=\"cert.pem\"\r\n",
            "Content-Type: application/octet-stream\r\n\r\n",
            "-----BEGIN CERTIFICATE-----\r\n",
            "--XyZ\r\n",
            "Content-Disposition: form-data; name=\"allowed_updates\"\r\n\r\n",
            "[\"message\"]\r\n",
            "--XyZ--\r\n",
        );
        let fields = text_fields(body.as_bytes(), "XyZ").unwrap();
        assert_eq!(
            fields,
            vec![
                ("url".to_owned(), "http://127.0.0.1:9/hook".to_owned()),
                ("allowed_updates".to_owned(), "[\"message\"]".to_owned()),
            ]
        );
    }

    #[test]
    fn the_boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"abc-123\""),
            Some("abc-123")
        );
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
