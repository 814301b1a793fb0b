//! A strict test-side reader of MP4 boxes and sample tables, independent of the
//! planner's parser: it reads the planner's OUTPUT back (and the builder's input), and
//! panics with a message on anything malformed, which fails the test.

use loomiere_plan::Plan;

pub(super) fn u32at(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
}

pub(super) fn u64at(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(b[at..at + 8].try_into().unwrap())
}

/// One box header: type, where the box starts, header length and total length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Hdr {
    pub typ: [u8; 4],
    pub at: u64,
    pub hdr: u64,
    pub len: u64,
}

/// Parses the header at the start of `b` (at least 8 bytes). `room`: bytes up to the end
/// of the enclosing space; `size0_ok`: size 0 is allowed (last top-level box).
fn header(b: &[u8], at: u64, room: u64, size0_ok: bool) -> Hdr {
    assert!(b.len() >= 8 && room >= 8, "box header at {at} cut short");
    let typ: [u8; 4] = b[4..8].try_into().unwrap();
    let (len, hdr) = match u32at(b, 0) {
        0 => {
            assert!(
                size0_ok,
                "size-0 box {:?} at {at} where the size must be known",
                String::from_utf8_lossy(&typ)
            );
            (room, 8)
        }
        1 => (u64at(b, 8), 16),
        n => (u64::from(n), 8),
    };
    assert!(
        len >= hdr && len <= room,
        "box {:?} at {at}: size {len} outside {hdr}..={room}",
        String::from_utf8_lossy(&typ)
    );
    Hdr { typ, at, hdr, len }
}

/// The boxes packed in `buf` (whose first byte is at offset `base`).
pub(super) fn boxes(buf: &[u8], base: u64) -> Vec<Hdr> {
    let (mut v, mut at) = (Vec::new(), 0usize);
    while at < buf.len() {
        let h = header(&buf[at..], base + at as u64, (buf.len() - at) as u64, false);
        at += h.len as usize;
        v.push(h);
    }
    v
}

/// The payload of `h`, a box inside `buf` whose first byte is at offset `base`.
pub(super) fn payload<'a>(buf: &'a [u8], base: u64, h: &Hdr) -> &'a [u8] {
    let from = (h.at - base + h.hdr) as usize;
    &buf[from..(h.at - base + h.len) as usize]
}

/// Finds a box by path such as `"moov/trak[1]/mdia/minf/stbl/stco"` (`[n]`: the n-th
/// box of that type, 0-based) in a whole file held in memory.
pub(super) fn find(file: &[u8], path: &str) -> Hdr {
    let mut hits = top(file);
    let mut found: Option<Hdr> = None;
    for seg in path.split('/') {
        if let Some(h) = found {
            hits = boxes(payload(file, 0, &h), h.at + h.hdr);
        }
        let (name, nth) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().unwrap()),
            None => (seg, 0),
        };
        found = Some(
            *hits
                .iter()
                .filter(|h| h.typ == name.as_bytes())
                .nth(nth)
                .unwrap_or_else(|| panic!("no {path}")),
        );
    }
    found.unwrap()
}

/// Top-level boxes of a whole file (size 0 allowed for the last).
pub(super) fn top(file: &[u8]) -> Vec<Hdr> {
    let (mut v, mut at) = (Vec::new(), 0usize);
    while at < file.len() {
        let h = header(&file[at..], at as u64, (file.len() - at) as u64, true);
        at += h.len as usize;
        v.push(h);
    }
    v
}

/// The output of a plan, read through its slices; `src` is the input file.
pub(super) struct View<'a> {
    pub plan: &'a Plan,
    pub src: &'a [u8],
}

impl View<'_> {
    pub fn len(&self) -> u64 {
        self.plan.len()
    }

    /// Output bytes `off..off+len`. Panics on a file slice outside the source or a
    /// generator that fails.
    pub fn read(&self, off: u64, len: u64) -> Vec<u8> {
        assert!(
            off + len <= self.len(),
            "read {off}+{len} past the output ({})",
            self.len()
        );
        let v = self
            .plan
            .read(&self.src, off, off + len)
            .unwrap_or_else(|e| panic!("reading {off}+{len}: {e}"));
        assert_eq!(v.len() as u64, len);
        v
    }

    /// Top-level boxes of the output, read header by header.
    pub fn top(&self) -> Vec<Hdr> {
        let (mut v, mut at) = (Vec::new(), 0u64);
        while at < self.len() {
            let head = self.read(at, (self.len() - at).min(16));
            let h = header(&head, at, self.len() - at, true);
            at += h.len;
            v.push(h);
        }
        v
    }
}

/// One track's boxes and tables, expanded per sample.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Tables {
    pub id: u32,
    pub handler: [u8; 4],
    pub tkhd_duration: u64,
    pub timescale: u32,
    pub mdhd_duration: u64,
    pub elst: Option<Vec<(u64, i64)>>,
    pub deltas: Vec<u32>,
    pub ctts: Option<(u8, Vec<i32>)>,
    pub sync: Option<Vec<u32>>,
    pub stsc: Vec<(u32, u32, u32)>,
    pub sizes: Vec<u32>,
    pub size_typ: [u8; 4],
    pub offsets: Vec<u64>,
    pub offset_typ: [u8; 4],
    pub sdtp: Option<Vec<u8>>,
    pub sbgp: Option<Vec<u32>>,
    /// Types of the `stbl` children, in order.
    pub stbl: Vec<[u8; 4]>,
}

/// A whole `moov`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct MovieTables {
    pub timescale: u32,
    pub duration: u64,
    pub tracks: Vec<Tables>,
    pub kids: Vec<[u8; 4]>,
}

/// Most samples any test table may expand to.
const CAP: u64 = 10_000_000;

fn expand(p: &[u8], at: usize) -> Vec<u32> {
    let n = u32at(p, at) as usize;
    let total: u64 = (0..n).map(|i| u64::from(u32at(p, at + 4 + 8 * i))).sum();
    assert!(total <= CAP, "run table of {total} samples");
    let mut v = Vec::new();
    (0..n).for_each(|i| {
        v.extend(std::iter::repeat_n(
            u32at(p, at + 8 + 8 * i),
            u32at(p, at + 4 + 8 * i) as usize,
        ))
    });
    v
}

fn list(p: &[u8], at: usize) -> Vec<u32> {
    (0..u32at(p, at) as usize)
        .map(|i| u32at(p, at + 4 + 4 * i))
        .collect()
}

/// `(version 1?, duration)` of a `mvhd`/`mdhd`-style payload.
fn timed(p: &[u8]) -> (u32, u64) {
    if p[0] == 1 {
        (u32at(p, 20), u64at(p, 24))
    } else {
        (u32at(p, 12), u64::from(u32at(p, 16)))
    }
}

/// Parses a whole `moov` box (header included).
pub(super) fn movie(moov: &[u8]) -> MovieTables {
    let kids = boxes(&moov[8..], 8);
    let mvhd = kids.iter().find(|h| &h.typ == b"mvhd").expect("mvhd");
    let (timescale, duration) = timed(payload(moov, 0, mvhd));
    let tracks = kids
        .iter()
        .filter(|h| &h.typ == b"trak")
        .map(|h| track(moov, h))
        .collect();
    MovieTables {
        timescale,
        duration,
        tracks,
        kids: kids.iter().map(|h| h.typ).collect(),
    }
}

fn child<'a>(buf: &'a [u8], parent: &Hdr, typ: &[u8; 4]) -> Option<(Hdr, &'a [u8])> {
    let p = payload(buf, 0, parent);
    boxes(p, parent.at + parent.hdr)
        .into_iter()
        .find(|h| &h.typ == typ)
        .map(|h| (h, payload(buf, 0, &h)))
}

fn track(m: &[u8], trak: &Hdr) -> Tables {
    let mut t = Tables::default();
    // The planner needs no tkhd (it copies what it finds), so a damaged input may lack one.
    if let Some((_, tkhd)) = child(m, trak, b"tkhd") {
        (t.id, t.tkhd_duration) = if tkhd[0] == 1 {
            (u32at(tkhd, 20), u64at(tkhd, 28))
        } else {
            (u32at(tkhd, 12), u64::from(u32at(tkhd, 20)))
        };
    }
    if let Some((edts, _)) = child(m, trak, b"edts") {
        let (_, e) = child(m, &edts, b"elst").expect("elst");
        let w = if e[0] == 1 { 20 } else { 12 };
        t.elst = Some(
            (0..u32at(e, 4) as usize)
                .map(|i| {
                    let at = 8 + w * i;
                    if w == 20 {
                        (u64at(e, at), u64at(e, at + 8) as i64)
                    } else {
                        (u64::from(u32at(e, at)), i64::from(u32at(e, at + 4) as i32))
                    }
                })
                .collect(),
        );
    }
    let (mdia, _) = child(m, trak, b"mdia").expect("mdia");
    (t.timescale, t.mdhd_duration) = timed(child(m, &mdia, b"mdhd").expect("mdhd").1);
    t.handler = child(m, &mdia, b"hdlr").expect("hdlr").1[8..12]
        .try_into()
        .unwrap();
    let (minf, _) = child(m, &mdia, b"minf").expect("minf");
    let (stbl, _) = child(m, &minf, b"stbl").expect("stbl");
    let kids = boxes(payload(m, 0, &stbl), stbl.at + stbl.hdr);
    t.stbl = kids.iter().map(|h| h.typ).collect();
    for h in &kids {
        let p = payload(m, 0, h);
        match &h.typ {
            b"stts" => t.deltas = expand(p, 4),
            b"ctts" => t.ctts = Some((p[0], expand(p, 4).into_iter().map(|v| v as i32).collect())),
            b"stss" => t.sync = Some(list(p, 4)),
            b"stsc" => {
                t.stsc = (0..u32at(p, 4) as usize)
                    .map(|i| {
                        (
                            u32at(p, 8 + 12 * i),
                            u32at(p, 12 + 12 * i),
                            u32at(p, 16 + 12 * i),
                        )
                    })
                    .collect()
            }
            b"stsz" => {
                t.size_typ = h.typ;
                t.sizes = match u32at(p, 4) {
                    0 => list(p, 8),
                    size => vec![size; u32at(p, 8).min(CAP as u32) as usize],
                };
            }
            b"stz2" => t.sizes = stz2(p, &mut t.size_typ),
            b"stco" => {
                (t.offset_typ, t.offsets) = (h.typ, list(p, 4).into_iter().map(u64::from).collect())
            }
            b"co64" => {
                (t.offset_typ, t.offsets) = (
                    h.typ,
                    (0..u32at(p, 4) as usize)
                        .map(|i| u64at(p, 8 + 8 * i))
                        .collect(),
                )
            }
            b"sdtp" => t.sdtp = Some(p[4..].to_vec()),
            b"sbgp" => t.sbgp = Some(expand(p, if p[0] == 1 { 12 } else { 8 })),
            _ => {}
        }
    }
    t
}

fn stz2(p: &[u8], typ: &mut [u8; 4]) -> Vec<u32> {
    *typ = *b"stz2";
    let (bits, n) = (p[7], u32at(p, 8) as usize);
    (0..n)
        .map(|i| match bits {
            4 => u32::from(if i % 2 == 0 {
                p[12 + i / 2] >> 4
            } else {
                p[12 + i / 2] & 15
            }),
            8 => u32::from(p[12 + i]),
            _ => u32::from(u16::from_be_bytes([p[12 + 2 * i], p[13 + 2 * i]])),
        })
        .collect()
}

/// Every sample as `(file offset, size)`, through `stsc` and the chunk offsets. Panics
/// unless the tables describe exactly the samples of `stsz`.
pub(super) fn spans(t: &Tables) -> Vec<(u64, u32)> {
    assert!(
        t.stsc.first().is_none_or(|e| e.0 == 1),
        "stsc must start at chunk 1"
    );
    assert!(
        t.stsc.windows(2).all(|w| w[0].0 < w[1].0),
        "stsc first_chunk must increase"
    );
    let mut out = Vec::with_capacity(t.sizes.len());
    for (c, &off) in t.offsets.iter().enumerate() {
        let chunk_no = c as u32 + 1;
        let spc = t
            .stsc
            .iter()
            .rev()
            .find(|e| e.0 <= chunk_no)
            .expect("stsc entry")
            .1;
        let mut at = off;
        for _ in 0..spc {
            let size = *t
                .sizes
                .get(out.len())
                .expect("stsc/stco describe more samples than stsz");
            out.push((at, size));
            at += u64::from(size);
        }
    }
    assert_eq!(
        out.len(),
        t.sizes.len(),
        "stsc/stco describe fewer samples than stsz"
    );
    out
}
