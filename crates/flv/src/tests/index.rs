//! The `keyframes` index in `onMetaData`: read from either container shape, checked
//! against the file, and every malformed AMF0 structure refused by name.

use super::build::*;
use super::{bad_seek, cut, defect, millis};
use crate::head;
use crate::meta::{keyframes, Index, Keyframes};
use crate::plan;

/// The keyframes of the single script tag `meta_tag` in a file with one key frame after it.
fn read(meta_tag: T) -> crate::Result<Keyframes> {
    let b = build(5, &[meta_tag, avc_key(0, 50), avc_key(2000, 50)]);
    let h = head::parse(&b.bytes)?;
    keyframes(
        &b.bytes,
        h.meta.as_ref().expect("onMetaData found"),
        h.first_tag,
    )
}

fn arr(v: &[f64]) -> Vec<u8> {
    amf_strict(&v.iter().map(|&x| amf_num(x)).collect::<Vec<_>>())
}

#[test]
fn index_from_an_ecma_array_or_an_object_with_other_values_around() {
    let kf = amf_obj(&[
        ("times", arr(&[0.0, 2.0])),
        ("filepositions", arr(&[100.0, 200.0])),
        ("x", amf_str("y")),
    ]);
    let others = || {
        vec![
            ("title", amf_str("t")),
            ("stereo", vec![1, 1]),
            ("nothing", vec![5]),
            ("list", amf_strict(&[amf_str("a"), vec![6]])),
        ]
    };
    let mut p = others();
    p.push(("keyframes", kf.clone()));
    p.push(("date", [vec![11], vec![0; 10]].concat()));
    let want = Keyframes::Usable(Index {
        positions: vec![100, 200],
        times_ms: vec![0, 2000],
    });
    assert_eq!(
        read(script("onMetaData", amf_ecma(&p))).unwrap(),
        want,
        "ECMA array"
    );
    let mut p = others();
    p.push(("keyframes", kf));
    assert_eq!(
        read(script("onMetaData", amf_obj(&p))).unwrap(),
        want,
        "object"
    );
    assert_eq!(read(meta(None)).unwrap(), Keyframes::Absent);
}

#[test]
fn an_index_that_does_not_fit_the_file_is_unusable_with_a_reason() {
    let cases: &[(&[f64], &[f64], &str)] = &[
        (&[100.0], &[0.0, 2.0], "1 filepositions but 2 times"),
        (&[], &[], "no entries"),
        (
            &[200.0, 100.0],
            &[0.0, 2.0],
            "filepositions[1] = 100 does not increase",
        ),
        (
            &[100.0, 1e12],
            &[0.0, 2.0],
            "filepositions[1] = 1000000000000 is not a byte offset",
        ),
        (&[100.5], &[0.0], "is not a byte offset"),
        (&[5.0], &[0.0], "filepositions[0] = 5 is not a byte offset"),
        (&[-1.0], &[0.0], "is not a byte offset"),
        (&[100.0], &[f64::NAN], "times[0] = NaN is not a time"),
        (&[100.0], &[-1.0], "is not a time"),
        (
            &[100.0, 200.0],
            &[2.0, 1.0],
            "times[1] = 1 goes back in time",
        ),
    ];
    for (pos, times, want) in cases {
        match read(meta(Some((pos, times)))).unwrap() {
            Keyframes::Unusable(why) => assert!(
                why.contains(want),
                "{pos:?} {times:?}: {why:?} lacks {want:?}"
            ),
            other => panic!("{pos:?} {times:?}: {other:?}"),
        }
    }
    let strings = amf_obj(&[
        ("filepositions", amf_strict(&[amf_str("1")])),
        ("times", arr(&[0.0])),
    ]);
    let got = read(script("onMetaData", amf_ecma(&[("keyframes", strings)]))).unwrap();
    assert!(
        matches!(got, Keyframes::Unusable(ref w) if w.contains("array of numbers")),
        "{got:?}"
    );
}

/// Patches the `u32` right after the first occurrence of `marker_then_name`.
fn with_count(mut d: Vec<u8>, after: &[u8], count: u32) -> Vec<u8> {
    let at = d
        .windows(after.len())
        .position(|w| w == after)
        .expect("pattern in data")
        + after.len();
    d[at..at + 4].copy_from_slice(&count.to_be_bytes());
    d
}

#[test]
fn absurd_counts_and_malformed_values_are_defects_naming_the_problem() {
    let idx = |pos: &[f64]| meta(Some((pos, &[0.0, 2.0][..pos.len()]))).data;
    let deep = {
        let mut v = Vec::new();
        for _ in 0..10_000 {
            v.extend([10, 0, 0, 0, 1]);
        }
        v.push(5);
        [amf_str("onMetaData"), v].concat()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "strict array of 2^32-1 entries",
            with_count(idx(&[100.0]), b"filepositions\x0a", u32::MAX),
            "strict array of 4294967295 entries cannot fit",
        ),
        (
            "strict array one entry too long",
            with_count(idx(&[100.0]), b"times\x0a", 2),
            "runs past the end",
        ),
        (
            "ECMA array count 2^31",
            with_count(idx(&[100.0]), b"onMetaData\x08", 1 << 31),
            "ECMA array count 2147483648 cannot fit",
        ),
        (
            "string longer than the tag",
            [amf_str("onMetaData"), vec![2, 0xff, 0xff, b'a']].concat(),
            "string of 65535 bytes runs past the end",
        ),
        (
            "long string of 4 GiB",
            [amf_str("onMetaData"), vec![12, 0xff, 0xff, 0xff, 0xff]].concat(),
            "long string of 4294967295 bytes",
        ),
        (
            "unknown marker",
            [amf_str("onMetaData"), vec![14]].concat(),
            "unknown or reserved AMF0 type marker 14",
        ),
        (
            "AMF3",
            [amf_str("onMetaData"), vec![17]].concat(),
            "AMF3 value",
        ),
        (
            "number cut short",
            [amf_str("onMetaData"), vec![0, 1, 2]].concat(),
            "number of 8 bytes runs past the end",
        ),
        (
            "object end as a value",
            [amf_str("onMetaData"), vec![9]].concat(),
            "object-end marker where a value was expected",
        ),
        ("10000 nested arrays", deep, "nested deeper than 32 levels"),
    ];
    for (what, data, want) in cases {
        let got = read(T::new(18, 0, data)).expect_err(what).to_string();
        assert!(
            got.contains("onMetaData at byte 13") && got.contains(want),
            "{what}: {got:?} lacks {want:?}"
        );
    }
}

#[test]
fn a_malformed_on_metadata_refuses_seeks_and_leaves_the_file_servable_as_stored() {
    let mut b = h264(true);
    let data = b.offsets[0] as usize + 11;
    let at = data
        + b.bytes[data..]
            .windows(14)
            .position(|w| w == b"filepositions\x0a")
            .unwrap()
        + 14;
    b.bytes[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    let why = defect(plan(&b.bytes, millis(Some(3000), None)));
    assert!(why.contains("strict array of 4294967295 entries"), "{why}");
    let (p, out) = cut(&b.bytes, super::bytes(None, None));
    assert_eq!(out, b.bytes);
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("no time map") && n.contains("strict array")),
        "{:?}",
        p.notes
    );
}

#[test]
fn a_stale_index_is_not_trusted_the_tags_are_scanned() {
    let fresh = h264(true);
    let media = h264_media();
    // Shift every position by 4 bytes: they now point at PreviousTagSize fields.
    let keys: Vec<f64> = media
        .iter()
        .enumerate()
        .filter(|(_, t)| is_key(t))
        .map(|(i, _)| fresh.offsets[3 + i] as f64 - 4.0)
        .collect();
    let times: Vec<f64> = media
        .iter()
        .filter(|t| is_key(t))
        .map(|t| f64::from(t.ts) / 1000.0)
        .collect();
    let mut tags = vec![meta(Some((&keys, &times))), avc_config(), aac_config()];
    tags.extend(media);
    let stale = build(5, &tags);
    let (p, _) = cut(&stale.bytes, millis(Some(4500), None));
    let (q, _) = cut(&fresh.bytes, millis(Some(4500), None));
    assert_eq!(p.start, q.start, "the same key frame");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("not a tag start") && n.contains("scanned")),
        "{:?}",
        p.notes
    );
    assert_eq!(q.notes, vec!["index"]);
    let why = bad_seek(plan(&stale.bytes, millis(Some(60_000), None)));
    assert!(why.contains("past the last tag"), "{why}");
}
