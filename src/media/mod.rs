//! Files people send, made safe to pass on. A phone photo carries where it was taken, the
//! camera's serial number and sometimes the owner's name; a counselor forwarding it must not
//! forward those. Every channel's files go through here on the way out (`cases::attachments`);
//! the stored original stays encrypted and unchanged, as evidence.
//!
//! The containers are read and written with `img-parts` (JPEG segments, PNG chunks, WebP RIFF
//! chunks), without decoding or re-encoding the picture. What is kept is a list of what a
//! picture needs to be shown; everything else goes, so a metadata block nobody has heard of yet
//! goes too. A file whose metadata this cannot remove (HEIC, video, PDF, a damaged or unknown
//! file) is said so at intake (`metadata_kept` on the attachment) and handed out only after a
//! warning (docs/decisions.md, "Image metadata").

use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{self, WebP};
use img_parts::{Bytes, DynImage};

/// This file's metadata cannot be removed here: it is not a JPEG, PNG or WebP image we can
/// read (a HEIC photo, a video, a PDF, anything else, or a damaged image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataKept;

/// Removes EXIF, XMP, ICC profiles, comments, text chunks, thumbnails and anything else that is
/// not the picture (a phone photo's GPS position, camera serial number, owner name) from a
/// JPEG, PNG or WebP image, keeping the image itself bit for bit. The bytes decide what the
/// file is, never the type the sender declared: a photo sent as `application/octet-stream` is
/// cleaned, a PDF named `photo.jpg` is not an image.
///
/// JPEG: keeps APP0 JFIF and APP14 Adobe (colour transform) and the segments that code the
/// picture; drops every other APPn segment (EXIF, XMP, ICC, MPF and the other images it points
/// to), COM, and anything after the end of the image. PNG: keeps the chunks that draw the
/// picture (image header, palette, data, transparency, colour space, animation) and drops the
/// rest (eXIf, text, time, ICC profile, private chunks) and anything after the end. WebP:
/// keeps the image, alpha and animation chunks and drops EXIF, XMP, ICC and unknown chunks.
pub fn strip_image_metadata(bytes: &[u8]) -> Result<Vec<u8>, MetadataKept> {
    let image = DynImage::from_bytes(Bytes::copy_from_slice(bytes))
        .map_err(|_| MetadataKept)?
        .ok_or(MetadataKept)?;
    let clean = match image {
        DynImage::Jpeg(jpeg) => strip_jpeg(jpeg, bytes)?,
        DynImage::Png(png) => strip_png(png),
        DynImage::WebP(webp) => strip_webp(webp),
    };
    Ok(clean.to_vec())
}

/// Whether `strip_image_metadata` can clean this file: decided once, at intake.
pub fn metadata_can_be_removed(bytes: &[u8]) -> bool {
    strip_image_metadata(bytes).is_ok()
}

fn jpeg_segment_is_kept(marker: u8, payload: &[u8]) -> bool {
    match marker {
        // JFXX is a thumbnail: the picture before it was cropped.
        markers::APP0 => payload.starts_with(b"JFIF\0"),
        markers::APP14 => payload.starts_with(b"Adobe"),
        markers::APP1..=markers::APP15 | markers::COM => false,
        _ => true,
    }
}

fn strip_jpeg(mut jpeg: Jpeg, original: &[u8]) -> Result<Bytes, MetadataKept> {
    jpeg.segments_mut()
        .retain(|s| jpeg_segment_is_kept(s.marker(), s.contents()));
    // `img-parts` reads the segments up to the first scan and hands over the rest of the file
    // as that scan's data: later scans, the end marker, and whatever was appended (a second
    // image listed by MPF, with its own EXIF, or anything else). It is walked here, so
    // only the picture passes.
    if let Some(sos) = jpeg.segments_mut().last_mut().filter(|s| s.has_entropy()) {
        let rest_len = sos.len_with_entropy() - sos.len();
        let rest = original
            .get(original.len().saturating_sub(rest_len)..)
            .ok_or(MetadataKept)?;
        *sos = JpegSegment::new_with_entropy(
            markers::SOS,
            sos.contents().clone(),
            Bytes::from(scans_until_end_of_image(rest)),
        );
    }
    Ok(jpeg.encoder().bytes())
}

/// The entropy-coded data of the first scan and what follows it, up to and including the end
/// of the image, without metadata segments between scans. A file cut short is closed with an
/// end marker, so unvetted bytes never pass through.
fn scans_until_end_of_image(rest: &[u8]) -> Vec<u8> {
    const EOI: [u8; 2] = [0xFF, markers::EOI];
    let mut out = Vec::with_capacity(rest.len());
    let mut pos = 0;
    while pos < rest.len() {
        // Coded data up to the next 0xFF is copied as it is.
        let Some(ff) = rest[pos..].iter().position(|&b| b == 0xFF) else {
            out.extend_from_slice(&rest[pos..]);
            break;
        };
        out.extend_from_slice(&rest[pos..pos + ff]);
        pos += ff;
        match rest.get(pos + 1).copied() {
            // A stuffed 0xFF, a restart marker, a fill byte.
            Some(next @ (0x00 | 0xD0..=0xD7)) => {
                out.extend_from_slice(&[0xFF, next]);
                pos += 2;
            }
            Some(0xFF) => pos += 1,
            Some(markers::EOI) => {
                out.extend_from_slice(&EOI);
                return out;
            }
            Some(0x01) => pos += 2,
            // A segment between scans (tables, the next scan's header, or metadata).
            Some(marker) => {
                let Some(len) = rest
                    .get(pos + 2..pos + 4)
                    .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
                else {
                    break;
                };
                let end = pos + 2 + len;
                if len < 2 || end > rest.len() {
                    break;
                }
                if jpeg_segment_is_kept(marker, &rest[pos + 4..end]) {
                    out.extend_from_slice(&rest[pos..end]);
                }
                pos = end;
            }
            None => break,
        }
    }
    out.extend_from_slice(&EOI);
    out
}

/// The chunks that draw a PNG (or APNG): everything else is text, time, EXIF, ICC or private.
const PNG_KEPT: [&[u8; 4]; 17] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD",
    b"pHYs", b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
];

fn strip_png(mut png: Png) -> Bytes {
    png.chunks_mut()
        .retain(|c| PNG_KEPT.iter().any(|kept| **kept == c.kind()));
    png.encoder().bytes()
}

fn strip_webp(mut image: WebP) -> Bytes {
    const KEPT: [[u8; 4]; 6] = [
        webp::CHUNK_VP8X,
        webp::CHUNK_VP8,
        webp::CHUNK_VP8L,
        webp::CHUNK_ALPH,
        webp::CHUNK_ANIM,
        webp::CHUNK_ANMF,
    ];
    // The feature flags in VP8X: ICC profile, EXIF, XMP (RIFF container spec).
    const METADATA_FLAGS: u8 = 0b0010_0000 | 0b0000_1000 | 0b0000_0100;
    image.chunks_mut().retain(|c| KEPT.contains(&c.id()));
    if let Some(vp8x) = image
        .chunks_mut()
        .iter_mut()
        .find(|c| c.id() == webp::CHUNK_VP8X)
        && let RiffContent::Data(data) = vp8x.content_mut()
        && let Some(&flags) = data.first()
    {
        let mut cleared = data.to_vec();
        cleared[0] = flags & !METADATA_FLAGS;
        *data = Bytes::from(cleared);
    }
    image.encoder().bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let mut checked = kind.to_vec();
        checked.extend_from_slice(data);
        c.extend_from_slice(&crc32(&checked).to_be_bytes());
        c
    }

    #[test]
    fn png_text_exif_time_icc_and_private_chunks_are_dropped() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(png_chunk(b"tEXt", b"Author\0Someone"));
        png.extend(png_chunk(b"eXIf", b"MM\0*GPS"));
        png.extend(png_chunk(b"tIME", &[0; 7]));
        png.extend(png_chunk(b"iCCP", b"Phone camera\0\0x"));
        png.extend(png_chunk(b"prVt", b"device serial 1234"));
        png.extend(png_chunk(b"IDAT", b"pixels"));
        png.extend(png_chunk(b"IEND", b""));
        png.extend_from_slice(b"trailing secret");
        let clean = strip_image_metadata(&png).unwrap();
        let mut expected = PNG_SIGNATURE.to_vec();
        expected.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        expected.extend(png_chunk(b"IDAT", b"pixels"));
        expected.extend(png_chunk(b"IEND", b""));
        assert_eq!(clean, expected);
    }

    fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = id.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        file.extend_from_slice(b"WEBP");
        file.extend(body);
        file
    }

    #[test]
    fn webp_exif_xmp_and_icc_chunks_are_dropped_and_their_flags_cleared() {
        // VP8X: flags ICC | ALPHA | EXIF | XMP, three reserved bytes, canvas 1x1.
        let vp8x = |flags: u8| riff_chunk(b"VP8X", &[flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let alpha = riff_chunk(b"ALPH", &[0, 0xAA]);
        let image = riff_chunk(b"VP8L", &[0x2F, 0, 0, 0, 0x10, 0x07, 0x10]);
        let file = webp(&[
            vp8x(0b0011_1100),
            riff_chunk(b"ICCP", b"Phone camera profile"),
            alpha.clone(),
            image.clone(),
            riff_chunk(b"EXIF", b"MM\0*\0\0\0\x08 GPSLatitude 13/1 45/1 N"),
            riff_chunk(b"XMP ", b"<x:xmpmeta>factory gate</x:xmpmeta>"),
        ]);
        let clean = strip_image_metadata(&file).unwrap();
        assert!(!contains(&clean, b"GPS"));
        assert!(!contains(&clean, b"factory gate"));
        assert!(!contains(&clean, b"Phone camera"));
        assert_eq!(clean, webp(&[vp8x(0b0001_0000), alpha, image]));
    }

    #[test]
    fn files_that_are_not_jpeg_png_or_webp_are_refused() {
        for file in [
            &b"%PDF-1.4 Exif GPS"[..],
            // An iPhone photo (HEIC) and a phone video (MP4): ISO media files.
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
            b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41",
            b"GIF89a",
            b"",
        ] {
            assert_eq!(strip_image_metadata(file), Err(MetadataKept));
            assert!(!metadata_can_be_removed(file));
        }
    }

    #[test]
    fn damaged_images_are_refused_rather_than_passed_on() {
        // An APP1 segment whose length runs past the end.
        let broken = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, b'E', b'x', b'i', b'f'];
        assert_eq!(strip_image_metadata(&broken), Err(MetadataKept));
        // A PNG chunk whose checksum is wrong.
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(png_chunk(b"IHDR", &[0; 13]));
        let last = png.len() - 1;
        png[last] ^= 1;
        assert_eq!(strip_image_metadata(&png), Err(MetadataKept));
    }

    /// A phone photo as it came attached to a test email: EXIF with a GPS position, XMP with a
    /// caption naming a place.
    const PHOTO: &[u8] = include_bytes!("fixtures/photo_with_gps.jpg");

    #[test]
    fn a_phone_photo_loses_its_location_and_keeps_its_picture() {
        assert!(contains(PHOTO, b"Exif"));
        let clean = strip_image_metadata(PHOTO).unwrap();
        assert!(!contains(&clean, b"Exif"));
        assert!(!contains(&clean, b"xmpmeta"));
        assert!(!contains(&clean, b"factory gate"));
        assert!(contains(&clean, b"JFIF\0"));
        assert!(clean.starts_with(&[0xFF, 0xD8]) && clean.ends_with(&[0xFF, 0xD9]));
        assert!(clean.len() < PHOTO.len());
        assert!(metadata_can_be_removed(PHOTO));
    }

    fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A tiny JPEG built by hand: SOI, APP0 JFIF, APP1 Exif with a GPS payload, COM, APP14 Adobe,
    /// DQT, SOF0, DHT, SOS with entropy data (a stuffed 0xFF00 and a restart marker), EOI.
    #[test]
    fn jpeg_exif_is_removed_and_the_structure_kept() {
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

        let clean = strip_image_metadata(&jpeg).unwrap();
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
    }

    /// A progressive JPEG has several scans with tables between them; a phone adds a second
    /// image after the end (MPF: a preview or depth map, with its own EXIF).
    #[test]
    fn later_scans_are_kept_and_metadata_between_or_after_them_dropped() {
        let sof = seg(0xC2, b"\x08\0\x08\0\x08\x01\x01\x11\0");
        let sos = seg(0xDA, b"\x01\x01\0\0\x3F\0");
        let dht = seg(0xC4, &[1u8; 18]);
        let between = seg(0xE1, b"Exif\0\0GPS between scans");
        let mut second_image = vec![0xFF, 0xD8];
        second_image.extend(seg(0xE1, b"Exif\0\0GPS in the preview"));
        second_image.extend_from_slice(&[0xFF, 0xD9]);

        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(&sof);
        jpeg.extend(&sos);
        jpeg.extend_from_slice(&[0x11, 0xFF, 0x00, 0x22]);
        jpeg.extend(&between);
        jpeg.extend(&dht);
        jpeg.extend(&sos);
        jpeg.extend_from_slice(&[0x33, 0xFF, 0xD1, 0x44]);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg.extend(&second_image);

        let clean = strip_image_metadata(&jpeg).unwrap();
        let mut expected = vec![0xFF, 0xD8];
        expected.extend(&sof);
        expected.extend(&sos);
        expected.extend_from_slice(&[0x11, 0xFF, 0x00, 0x22]);
        expected.extend(&dht);
        expected.extend(&sos);
        expected.extend_from_slice(&[0x33, 0xFF, 0xD1, 0x44]);
        expected.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(clean, expected);
    }

    #[test]
    fn a_jpeg_cut_short_in_its_picture_is_closed() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(seg(0xC0, b"\x08\0\x08\0\x08\x01\x01\x11\0"));
        jpeg.extend(seg(0xDA, b"\x01\x01\0\0\x3F\0"));
        jpeg.extend_from_slice(&[0x12, 0x34, 0xFF, 0xE1, 0x40]);
        let clean = strip_image_metadata(&jpeg).unwrap();
        assert!(clean.ends_with(&[0x12, 0x34, 0xFF, 0xD9]));
    }

    proptest::proptest! {
        /// Whatever follows a JPEG, PNG or WebP signature: no panic, and a cleaned file is
        /// clean already (cleaning it again changes nothing), so nothing was left half-removed.
        #[test]
        fn cleaning_never_panics_and_a_cleaned_file_stays_as_it_is(
            kind in 0usize..3,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let mut file = match kind {
                0 => vec![0xFF, 0xD8],
                1 => PNG_SIGNATURE.to_vec(),
                _ => {
                    let mut riff = b"RIFF".to_vec();
                    riff.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
                    riff.extend_from_slice(b"WEBP");
                    riff
                }
            };
            file.extend(body);
            if let Ok(clean) = strip_image_metadata(&file) {
                proptest::prop_assert_eq!(strip_image_metadata(&clean), Ok(clean.clone()));
            }
        }
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
                let _ = strip_image_metadata(&bytes);
                bytes.truncate(at);
                let _ = strip_image_metadata(&bytes);
            }
        }
    }
}
