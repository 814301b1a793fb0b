//! Odd files, built byte by byte: each gets a report with a clear error or verdict,
//! never a panic.

use super::report::Container;
use super::report_of;

/// A box: 32-bit size, type, payload (ISO/IEC 14496-12 §4.2).
fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(8 + payload.len())
        .unwrap()
        .to_be_bytes()
        .to_vec();
    b.extend_from_slice(typ);
    b.extend_from_slice(payload);
    b
}

fn ftyp() -> Vec<u8> {
    bx(b"ftyp", b"isom\0\0\x02\0isomiso2")
}

/// `mvhd` version 0: timescale 1000, duration `ms`.
fn mvhd(ms: u32) -> Vec<u8> {
    let mut p = vec![0u8; 100];
    p[12..16].copy_from_slice(&1000u32.to_be_bytes());
    p[16..20].copy_from_slice(&ms.to_be_bytes());
    bx(b"mvhd", &p)
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `(what, file, container, words the error or a verdict's reason holds)`.
type Case = (&'static str, Vec<u8>, Container, &'static str);

fn cases() -> Vec<Case> {
    let moov = bx(b"moov", &mvhd(40_000));
    let mut truncated_moov = cat(&[
        &ftyp(),
        &bx(b"moov", &[mvhd(40_000), vec![0; 200]].concat()),
    ]);
    truncated_moov.truncate(ftyp().len() + 60);
    let mut largesize = ftyp();
    largesize.extend_from_slice(&1u32.to_be_bytes());
    largesize.extend_from_slice(b"moov");
    largesize.extend_from_slice(&u64::MAX.to_be_bytes());
    let short_header = cat(&[&ftyp(), &[0, 0, 0, 4], b"moov"]);
    let flv_header = b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00".to_vec();
    let flv_garbage = cat(&[
        &flv_header,
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
    ]);
    let mut flv_truncated_tag = flv_header.clone();
    flv_truncated_tag.extend_from_slice(&[9, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0x17]);
    vec![
        ("empty", Vec::new(), Container::Other, "empty file"),
        (
            "text",
            b"hello, world\n".to_vec(),
            Container::Other,
            "not a film",
        ),
        ("ftyp only", ftyp(), Container::Mp4, "no moov box"),
        (
            "moov cut short",
            truncated_moov,
            Container::Mp4,
            "defective",
        ),
        ("moov of 2^64 bytes", largesize, Container::Mp4, "defective"),
        (
            "box header longer than its box",
            short_header,
            Container::Mp4,
            "defective",
        ),
        (
            "moov without tracks",
            cat(&[&ftyp(), &moov]),
            Container::Mp4,
            "no video or audio",
        ),
        (
            "FLV signature only",
            b"FLV".to_vec(),
            Container::Flv,
            "not an FLV file",
        ),
        (
            "FLV header, then garbage",
            flv_garbage,
            Container::Flv,
            "garbage after the FLV header",
        ),
        (
            "FLV header, no tags",
            flv_header,
            Container::Flv,
            "no audio or video tags",
        ),
        (
            "FLV tag cut short",
            flv_truncated_tag,
            Container::Flv,
            "runs past the end",
        ),
        (
            "FLV tags ending early",
            flv_tags_end_early(),
            Container::Flv,
            "the tags end early",
        ),
    ]
}

/// An FLV header, a video key-frame tag, then a tag cut short by the end of the file.
fn flv_tags_end_early() -> Vec<u8> {
    let mut f = b"FLV\x01\x01\x00\x00\x00\x09\x00\x00\x00\x00".to_vec();
    let data = [0x12u8, 0, 0, 0]; // FrameType 1, CodecID 2 (Sorenson H.263)
    f.extend_from_slice(&[9, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0]);
    f.extend_from_slice(&data);
    f.extend_from_slice(&15u32.to_be_bytes());
    f.extend_from_slice(&[9, 0, 0, 4, 0, 0, 40, 0, 0, 0, 0, 0x22]);
    f
}

#[test]
fn odd_files_get_a_clear_reason_never_a_panic() {
    for (what, file, container, words) in cases() {
        let r = report_of(what.into(), &file, None, 6000);
        assert_eq!(r.container, container, "{what}");
        assert!(!r.ok, "{what}: reported fine");
        let reasons: Vec<&str> = [
            r.error.as_deref(),
            r.start.as_ref().and_then(|v| v.reason.as_deref()),
            r.hls.as_ref().and_then(|v| v.reason.as_deref()),
        ]
        .into_iter()
        .flatten()
        .collect();
        assert!(
            reasons.iter().any(|t| t.contains(words)),
            "{what}: {reasons:?} should say {words:?}"
        );
        serde_json::to_string(&r).unwrap_or_else(|e| panic!("{what}: JSON: {e}"));
        assert!(super::human::text(&r).starts_with(what), "{what}");
    }
}

/// Every prefix of a small film, from the empty file on: a report, never a panic.
#[test]
fn every_prefix_of_a_film_is_reported() {
    let film = cat(&[&ftyp(), &bx(b"moov", &mvhd(40_000)), &bx(b"mdat", &[0; 64])]);
    for n in 0..film.len() {
        let r = report_of("prefix".into(), &film[..n], None, 6000);
        assert!(!r.ok, "prefix of {n} bytes reported fine");
    }
}

/// An FLV tag of `kind` at `ms` with `data`, then its `PreviousTagSize`.
fn flv_tag(kind: u8, ms: u32, data: &[u8]) -> Vec<u8> {
    let size = u32::try_from(data.len()).unwrap().to_be_bytes();
    let ts = ms.to_be_bytes();
    let mut t = vec![
        kind, size[1], size[2], size[3], ts[1], ts[2], ts[3], ts[0], 0, 0, 0,
    ];
    t.extend_from_slice(data);
    t.extend_from_slice(&u32::try_from(11 + data.len()).unwrap().to_be_bytes());
    t
}

/// Players that trust `onMetaData` pick their decoder from it: a codec id the tags
/// contradict is said (and is not a reason to refuse the film).
#[test]
fn an_on_metadata_codec_the_tags_contradict_is_noted() {
    let mut meta = b"\x02\x00\x0aonMetaData\x08\x00\x00\x00\x01\x00\x0cvideocodecid\x00".to_vec();
    meta.extend_from_slice(&7f64.to_be_bytes());
    meta.extend_from_slice(&[0, 0, 9]);
    let mut f = b"FLV\x01\x01\x00\x00\x00\x09\x00\x00\x00\x00".to_vec();
    f.extend(flv_tag(18, 0, &meta));
    f.extend(flv_tag(9, 0, &[0x12, 0, 0, 0]));
    f.extend(flv_tag(9, 40, &[0x22, 0, 0, 0]));
    let r = report_of("spark.flv".into(), &f, None, 6000);
    assert!(r.ok, "{r:?}");
    assert_eq!(r.tracks[0].format, "Sorenson H.263");
    assert_eq!(
        r.notes,
        ["onMetaData says videocodecid 7, the tag headers 2"],
        "{r:?}"
    );
}
