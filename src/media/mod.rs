//! Files people send, made safe to pass on. A phone photo carries where it was taken, the
//! camera's serial number and sometimes the owner's name; a counselor forwarding it must not
//! forward those. Every channel's files go through here on the way out (`cases::attachments`);
//! the stored original stays encrypted and unchanged, as evidence.

/// Removes EXIF, XMP, comments and other metadata (a phone photo's GPS position, camera serial
/// number, owner name) from a JPEG or PNG, keeping the image itself. Other types come back
/// unchanged. The bytes decide what the file is, so a photo sent as
/// `application/octet-stream` is cleaned too; `content_type` is only the sender's claim.
///
/// JPEG: keeps APP0 (JFIF/JFXX) and APP14 (Adobe colour transform), drops every other APPn
/// segment and COM. PNG: drops eXIf, tEXt, iTXt, zTXt and tIME chunks. Anything after the end
/// of the image is dropped. A damaged file is cut where it stops making sense (and closed
/// with an end marker), so unvetted bytes never pass through.
pub fn strip_image_metadata(content_type: &str, bytes: &[u8]) -> Vec<u8> {
    // The declared type is not trusted either way; see the doc comment.
    let _ = content_type;
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        strip_jpeg(bytes)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        strip_png(bytes)
    } else {
        bytes.to_vec()
    }
}

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PNG_IEND: &[u8] = &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];
const JPEG_EOI: [u8; 2] = [0xFF, 0xD9];

fn strip_jpeg(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]); // SOI
    let mut pos = 2;
    loop {
        // Every segment starts with 0xFF, possibly padded with more 0xFF fill bytes.
        if bytes.get(pos) != Some(&0xFF) {
            break;
        }
        while bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos + 1) else {
            break;
        };
        match marker {
            0xD9 => {
                out.extend_from_slice(&JPEG_EOI);
                return out;
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                pos += 2;
                continue;
            }
            _ => {}
        }
        let Some(len) = bytes
            .get(pos + 2..pos + 4)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            break;
        };
        let end = pos + 2 + len;
        if len < 2 || end > bytes.len() {
            break;
        }
        let payload = &bytes[pos + 4..end];
        let keep = match marker {
            0xE0 => payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0"),
            0xEE => payload.starts_with(b"Adobe"),
            0xE1..=0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(&bytes[pos..end]);
        }
        pos = end;
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a
            // restart marker.
            let start = pos;
            while pos < bytes.len() {
                if bytes[pos] == 0xFF {
                    match bytes.get(pos + 1) {
                        Some(0x00 | 0xD0..=0xD7) => pos += 2,
                        Some(0xFF) => pos += 1,
                        _ => break,
                    }
                } else {
                    pos += 1;
                }
            }
            let scan_end = pos.min(bytes.len());
            out.extend_from_slice(&bytes[start..scan_end]);
        }
    }
    out.extend_from_slice(&JPEG_EOI);
    out
}

fn strip_png(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    while let Some(header) = bytes.get(pos..pos + 8) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let Some(end) = len.checked_add(pos + 12).filter(|&end| end <= bytes.len()) else {
            break;
        };
        let drop = matches!(kind, b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME");
        if !drop {
            out.extend_from_slice(&bytes[pos..end]);
        }
        if kind == b"IEND" {
            return out;
        }
        pos = end;
    }
    out.extend_from_slice(PNG_IEND);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_text_and_exif_chunks_are_dropped() {
        fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked here.
            c
        }
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"tEXt", b"Author\0Someone"));
        png.extend(chunk(b"eXIf", b"MM\0*GPS"));
        png.extend(chunk(b"tIME", &[0; 7]));
        png.extend(chunk(b"IDAT", b"pixels"));
        png.extend(chunk(b"IEND", b""));
        png.extend_from_slice(b"trailing secret");
        let clean = strip_image_metadata("image/png", &png);
        let mut expected = PNG_SIGNATURE.to_vec();
        expected.extend(chunk(b"IHDR", &[0; 13]));
        expected.extend(chunk(b"IDAT", b"pixels"));
        expected.extend(chunk(b"IEND", b""));
        assert_eq!(clean, expected);
    }

    #[test]
    fn other_types_are_unchanged() {
        assert_eq!(
            strip_image_metadata("application/pdf", b"%PDF-1.4 Exif"),
            b"%PDF-1.4 Exif"
        );
    }

    #[test]
    fn broken_jpegs_are_cut_and_closed() {
        // An APP1 segment whose length runs past the end: nothing of it survives.
        let broken = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, b'E', b'x', b'i', b'f'];
        assert_eq!(
            strip_image_metadata("image/jpeg", &broken),
            vec![0xFF, 0xD8, 0xFF, 0xD9]
        );
    }

    /// A phone photo as it came attached to a test email: EXIF with a GPS position, XMP with a
    /// caption naming a place.
    const PHOTO: &[u8] = include_bytes!("fixtures/photo_with_gps.jpg");

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_phone_photo_loses_its_location_and_keeps_its_picture() {
        assert!(contains(PHOTO, b"Exif"));
        let clean = strip_image_metadata("image/jpeg", PHOTO);
        assert!(!contains(&clean, b"Exif"));
        assert!(!contains(&clean, b"xmpmeta"));
        assert!(!contains(&clean, b"factory gate"));
        assert!(contains(&clean, b"JFIF\0"));
        assert!(clean.starts_with(&[0xFF, 0xD8]) && clean.ends_with(&[0xFF, 0xD9]));
        assert!(clean.len() < PHOTO.len());
    }

    /// A tiny JPEG built by hand: SOI, APP0 JFIF, APP1 Exif with a GPS payload, COM, APP14 Adobe,
    /// DQT, SOF0, DHT, SOS with entropy data (a stuffed 0xFF00 and a restart marker), EOI.
    #[test]
    fn jpeg_exif_is_removed_and_the_structure_kept() {
        fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
            let mut s = vec![0xFF, marker];
            s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            s.extend_from_slice(payload);
            s
        }
        let app0 = seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let mut exif = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
        exif.extend_from_slice(b"GPSLatitude 13/1 45/1 30/1 N GPSLongitude 100/1 30/1 0/1 E");
        let app1 = seg(0xE1, &exif);
        let com = seg(0xFE, b"owner: someone");
        let app14 = seg(0xEE, b"Adobe\0\x64\0\0\0\0\x01");
        let dqt = seg(0xDB, &[0u8; 65]);
        let sof = seg(0xC0, b"\x08\0\x08\0\x08\x01\x01\x11\0");
        let dht = seg(0xC4, &[0u8; 18]);
        let sos = seg(0xDA, b"\x01\x01\0\0\x3F\0");
        let scan = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56];

        let mut jpeg = vec![0xFF, 0xD8];
        for s in [&app0, &app1, &com, &app14, &dqt, &sof, &dht, &sos] {
            jpeg.extend_from_slice(s);
        }
        jpeg.extend_from_slice(&scan);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);

        let clean = strip_image_metadata("image/jpeg", &jpeg);
        assert!(!contains(&clean, b"Exif"));
        assert!(!contains(&clean, b"GPS"));
        assert!(!contains(&clean, b"owner"));

        let mut expected = vec![0xFF, 0xD8];
        for s in [&app0, &app14, &dqt, &sof, &dht, &sos] {
            expected.extend_from_slice(s);
        }
        expected.extend_from_slice(&scan);
        expected.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(clean, expected);

        // The same bytes sent as application/octet-stream are cleaned too.
        assert_eq!(
            strip_image_metadata("application/octet-stream", &jpeg),
            expected
        );
    }

    #[test]
    fn no_damaged_photo_makes_it_panic() {
        // The photo, damaged in every single byte.
        let photo = PHOTO.to_vec();
        let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
        for at in 0..photo.len() {
            for value in [0x00, 0xFF, 0xD9, 0xDA, {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng as u8
            }] {
                let mut bytes = photo.clone();
                bytes[at] = value;
                let _ = strip_image_metadata("image/jpeg", &bytes);
                bytes.truncate(at);
                let _ = strip_image_metadata("image/jpeg", &bytes);
            }
        }
    }
}
