//! The oracle: reads a planned body back through its slices and checks it against the
//! input, sample by sample. Every check here is one a broken planner would fail.

use super::build::{group_of, sample_parts, sdtp_byte, DENSE};
use super::file::Mov;
use super::model::{ns, Expect, NS};
use super::read::{self, Hdr, MovieTables, Tables, View};
use crate::{Planned, Shape};
use loomiere_plan::Slice;

/// Every file slice of the plan lies inside the source file.
fn in_bounds(p: &Planned, src_len: u64) {
    for s in p.plan.slices() {
        if let Slice::File { offset, len } = s {
            assert!(
                offset + len <= src_len,
                "file slice {offset}+{len} past the input ({src_len})"
            );
        }
    }
}

/// No seek and `moov` first: the body is the file, as one file slice.
pub(super) fn as_stored(src: &[u8], p: &Planned) {
    assert_eq!((p.shape, p.start_ms), (Shape::AsStored, None));
    let whole = [Slice::File {
        offset: 0,
        len: src.len() as u64,
    }];
    assert_eq!(
        p.plan.slices(),
        if src.is_empty() { &[][..] } else { &whole[..] }
    );
}

/// The sample bytes to compare: all of a dense sample, both ends of a large one.
fn probes(size: u64) -> Vec<(u64, u64)> {
    if size <= u64::from(DENSE) {
        vec![(0, size)]
    } else {
        vec![(0, 64), (size - 64, 64)]
    }
}

/// The output's top-level boxes and its parsed `moov`.
pub(super) fn open(view: &View<'_>) -> (Vec<Hdr>, MovieTables) {
    let top = view.top();
    let moovs: Vec<&Hdr> = top.iter().filter(|h| &h.typ == b"moov").collect();
    assert_eq!(moovs.len(), 1, "one moov in the output");
    let movie = read::movie(&view.read(moovs[0].at, moovs[0].len));
    (top, movie)
}

/// Checks a cut against the builder's description `m` and the expected kept ranges:
/// `ftyp`, `moov`, one `mdat` of exactly the kept samples, in order, with every table
/// cut to them, decode times from 0, and presentation times shifted by the cut.
pub(super) fn cut(src: &[u8], m: &Mov, p: &Planned, exp: &Expect) -> MovieTables {
    assert_eq!(p.shape, Shape::Cut);
    assert_eq!(
        p.start_ms,
        Some(u64::try_from(exp.cut_ns / 1_000_000).unwrap()),
        "start_ms"
    );
    in_bounds(p, src.len() as u64);
    let view = View { plan: &p.plan, src };
    let (top, movie) = open(&view);
    let types: Vec<[u8; 4]> = top.iter().map(|h| h.typ).collect();
    let want: Vec<[u8; 4]> = if m.ftyp {
        vec![*b"ftyp", *b"moov", *b"mdat"]
    } else {
        vec![*b"moov", *b"mdat"]
    };
    assert_eq!(types, want, "output top-level boxes");
    if m.ftyp {
        assert_eq!(
            view.read(0, top[0].len),
            src[..top[0].len as usize],
            "ftyp copied"
        );
    }
    let mdat = *top.last().unwrap();
    assert_eq!(
        mdat.hdr,
        if mdat.len > u64::from(u32::MAX) {
            16
        } else {
            8
        },
        "mdat header size"
    );
    let data = (mdat.at + mdat.hdr, mdat.at + mdat.len);
    assert_eq!(
        movie.tracks.len(),
        m.tracks.len(),
        "every track stays in the movie"
    );
    let mut total = 0u64;
    for (t, (o, kept)) in movie.tracks.iter().zip(&exp.tracks).enumerate() {
        total += match kept {
            Some(range) => track(&view, m, t, *range, o, exp, data),
            None => emptied(t, o),
        };
    }
    // Every kept sample, plus at most 1/1024 of bytes of dropped samples that lie
    // between them (a single-stretch copy, see emit::placement::single_stretch).
    let payload = data.1 - data.0;
    assert!(
        payload >= total && payload - total <= payload / 1024,
        "mdat payload {payload} is the {total} bytes of the kept samples"
    );
    assert_eq!(movie.timescale, m.timescale);
    assert_eq!(
        movie.duration,
        movie.tracks.iter().map(|t| t.tkhd_duration).max().unwrap(),
        "mvhd duration"
    );
    movie
}

/// Checks a track the cut leaves without samples: empty tables, no duration.
fn emptied(t: usize, o: &Tables) -> u64 {
    assert_eq!(
        (o.id, o.tkhd_duration, o.mdhd_duration, &o.elst),
        (t as u32 + 1, 0, 0, &None),
        "track {t} emptied"
    );
    assert!(
        o.sizes.is_empty() && o.deltas.is_empty() && o.stsc.is_empty() && o.offsets.is_empty(),
        "track {t} has no samples left"
    );
    assert!(
        o.sync.as_ref().is_none_or(Vec::is_empty) && o.ctts.as_ref().is_none_or(|c| c.1.is_empty()),
        "track {t}"
    );
    0
}

/// Checks one kept track; returns the bytes of its samples.
fn track(
    view: &View<'_>,
    m: &Mov,
    t: usize,
    (first, end): (u32, u32),
    o: &Tables,
    exp: &Expect,
    data: (u64, u64),
) -> u64 {
    let trk = &m.tracks[t];
    let (f, e) = (first as usize, end as usize);
    assert_eq!(
        (o.id, o.handler, o.timescale),
        (t as u32 + 1, trk.handler, trk.timescale),
        "track {t} identity"
    );
    assert_eq!(
        (o.size_typ, &o.sizes[..]),
        (*b"stsz", &trk.sizes[f..e]),
        "track {t} stsz"
    );
    assert_eq!(o.deltas, trk.deltas[f..e], "track {t} stts");
    assert_eq!(
        o.ctts,
        trk.cto.as_ref().map(|(v, c)| (*v, c[f..e].to_vec())),
        "track {t} ctts"
    );
    let sync = trk.sync.as_ref().map(|s| {
        s.iter()
            .filter(|&&x| x > first && x <= end)
            .map(|x| x - first)
            .collect()
    });
    assert_eq!(o.sync, sync, "track {t} stss");
    assert_eq!(
        o.sdtp,
        trk.sdtp.then(|| (first..end).map(sdtp_byte).collect()),
        "track {t} sdtp"
    );
    assert_eq!(
        o.sbgp,
        trk.sbgp.map(|_| (first..end).map(group_of).collect()),
        "track {t} sbgp"
    );
    let media: u64 = trk.deltas[f..e].iter().map(|&d| u64::from(d)).sum();
    assert_eq!(o.mdhd_duration, media, "track {t} mdhd duration");
    let wide = trk.co64 || o.offsets.iter().any(|&x| x > u64::from(u32::MAX));
    assert_eq!(
        o.offset_typ,
        if wide { *b"co64" } else { *b"stco" },
        "track {t} chunk offset box"
    );
    let mut bytes = 0;
    for (j, &(off, size)) in read::spans(o).iter().enumerate() {
        let i = first + j as u32;
        assert!(
            off >= data.0 && off + u64::from(size) <= data.1,
            "track {t} sample {i} at {off}+{size} outside mdat"
        );
        for (rel, want) in sample_parts(t, i, size) {
            assert_eq!(
                view.read(off + rel, want.len() as u64),
                want,
                "track {t} sample {i} bytes"
            );
        }
        bytes += u64::from(size);
    }
    timing(m, t, first, o, exp);
    bytes
}

/// The output edit list as `(empty, media_time, media edit duration)`.
fn edit_of(o: &Tables) -> (u64, i64, Option<u64>) {
    let Some(e) = &o.elst else {
        return (0, 0, None);
    };
    match e[..] {
        [(d, m)] if m >= 0 => (0, m, Some(d)),
        [(empty, -1), (d, m)] if m >= 0 && empty > 0 => (empty, m, Some(d)),
        _ => panic!("unexpected output edit list {e:?}"),
    }
}

/// Every kept sample presents at its input time minus the cut; the media edit lasts
/// until the last kept sample has been presented, or until the requested end.
fn timing(m: &Mov, t: usize, first: u32, o: &Tables, exp: &Expect) {
    let (trk, mts) = (&m.tracks[t], m.timescale);
    let (tl, ts) = (trk.timeline(), trk.timescale);
    let (empty, media_time, edit) = edit_of(o);
    // One media tick of rounding, plus one movie tick when an empty edit is rounded.
    let tol = NS / i128::from(ts) + 2 + if empty > 0 { NS / i128::from(mts) } else { 0 };
    let origin = tl.dts[first as usize];
    let mut shown = 0;
    for j in 0..o.sizes.len() {
        let i = first + j as u32;
        let out_dts = tl.dts[i as usize] - origin;
        let out = ns(i128::from(empty), mts)
            + ns(out_dts + tl.cto[i as usize] - i128::from(media_time), ts);
        let want = trk.pts_ns(&tl, i, mts) - exp.cut_ns;
        assert!(
            (out - want).abs() <= tol,
            "track {t} sample {i}: presents at {out} ns, want {want} ns"
        );
        shown = shown.max(tl.dts[i as usize + 1] - origin + tl.cto[i as usize]);
    }
    let shown = shown.max(i128::from(o.mdhd_duration)) - i128::from(media_time);
    let mut want = shown * i128::from(mts) / i128::from(ts);
    if let Some(end) = exp.end_ns {
        want = want
            .min((end - exp.cut_ns) * i128::from(mts) / NS - i128::from(empty))
            .max(0);
    }
    let d = edit.unwrap_or(o.tkhd_duration);
    assert!(
        (i128::from(d) - want).abs() <= 1,
        "track {t}: edit duration {d}, want about {want}"
    );
    assert_eq!(o.tkhd_duration, empty + d, "track {t} tkhd duration");
}

/// Checks `moov` moved first: the other boxes unchanged and in order, tables unchanged
/// but for the chunk offsets, every sample readable at its new offset. Reads only the
/// ends of large boxes and samples, so it works on sparse multi-GiB files.
pub(super) fn relocated(src: &[u8], p: &Planned) -> (MovieTables, MovieTables) {
    let in_moov = moved_boxes(src, p);
    let view = View { plan: &p.plan, src };
    let (_, out) = open(&view);
    let input = read::movie(&src[in_moov.at as usize..(in_moov.at + in_moov.len) as usize]);
    assert_eq!(
        (out.timescale, out.duration, &out.kids),
        (input.timescale, input.duration, &input.kids)
    );
    assert_eq!(out.tracks.len(), input.tracks.len());
    for (o, i) in out.tracks.iter().zip(&input.tracks) {
        let wide = &i.offset_typ == b"co64" || o.offsets.iter().any(|&x| x > u64::from(u32::MAX));
        assert_eq!(o.offset_typ, if wide { *b"co64" } else { *b"stco" });
        let same = |t: &Tables| Tables {
            offsets: vec![],
            offset_typ: [0; 4],
            stbl: vec![],
            ..t.clone()
        };
        assert_eq!(
            same(o),
            same(i),
            "tables other than chunk offsets unchanged"
        );
        for ((oo, os), (io, is)) in read::spans(o).into_iter().zip(read::spans(i)) {
            assert_eq!(os, is);
            for (rel, len) in probes(u64::from(os)) {
                assert_eq!(
                    view.read(oo + rel, len),
                    src[(io + rel) as usize..(io + rel + len) as usize],
                    "sample at {io} moved to {oo}"
                );
            }
        }
    }
    (input, out)
}

/// The box level of a relocation, for any input (its tables need not be sound):
/// `ftyp`, `moov`, then every other top-level box unchanged and in order. Returns the
/// input `moov`.
pub(super) fn moved_boxes(src: &[u8], p: &Planned) -> Hdr {
    assert_eq!((p.shape, p.start_ms), (Shape::MoovFirst, None));
    in_bounds(p, src.len() as u64);
    let view = View { plan: &p.plan, src };
    let top = view.top();
    let in_top = read::top(src);
    let in_moov = in_top.iter().find(|h| &h.typ == b"moov").unwrap();
    let in_ftyp = in_top
        .iter()
        .find(|h| &h.typ == b"ftyp" && h.at < in_moov.at);
    let rest = in_top
        .iter()
        .filter(|h| Some(*h) != in_ftyp && *h != in_moov);
    let want: Vec<&Hdr> = in_ftyp.into_iter().chain([in_moov]).chain(rest).collect();
    assert_eq!(
        top.iter().map(|h| h.typ).collect::<Vec<_>>(),
        want.iter().map(|h| h.typ).collect::<Vec<_>>()
    );
    let out_moov = top.iter().find(|h| &h.typ == b"moov").unwrap();
    assert_eq!(
        p.plan.len(),
        src.len() as u64 - in_moov.len + out_moov.len,
        "only moov changes length"
    );
    for (o, i) in top.iter().zip(&want).filter(|(o, _)| &o.typ != b"moov") {
        assert_eq!(
            o.len,
            i.len,
            "box {:?} length",
            String::from_utf8_lossy(&o.typ)
        );
        for (rel, len) in probes(o.len) {
            assert_eq!(
                view.read(o.at + rel, len),
                src[(i.at + rel) as usize..(i.at + rel + len) as usize]
            );
        }
    }
    *in_moov
}

/// A body that must merely be a well-formed MP4: one `moov`, every sample of every
/// track inside an `mdat` of the output.
pub(super) fn well_formed(src: &[u8], p: &Planned) {
    in_bounds(p, src.len() as u64);
    let view = View { plan: &p.plan, src };
    let (top, movie) = open(&view);
    let mdats: Vec<(u64, u64)> = top
        .iter()
        .filter(|h| &h.typ == b"mdat")
        .map(|h| (h.at + h.hdr, h.at + h.len))
        .collect();
    for t in &movie.tracks {
        for (off, size) in read::spans(t) {
            let end = off + u64::from(size);
            assert!(
                mdats.iter().any(|&(a, b)| off >= a && end <= b),
                "sample {off}+{size} outside every mdat"
            );
        }
    }
}
