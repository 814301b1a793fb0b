//! A tiny MP4 writer for tests (ISO/IEC 14496-12): every box is built byte by byte from
//! a description, sample `i` of track `t` carries a recognizable byte pattern, and the
//! file comes out as `(offset, bytes)` parts so that a multi-GiB file can be written
//! sparsely.

use std::rc::Rc;

/// A box with a 32-bit size (§4.2).
pub(super) fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = u32::try_from(payload.len() + 8)
        .unwrap()
        .to_be_bytes()
        .to_vec();
    v.extend_from_slice(typ);
    v.extend_from_slice(payload);
    v
}

/// A FullBox (§4.2): version, 24-bit flags, body.
pub(super) fn full(typ: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut p = vec![version];
    p.extend_from_slice(&flags.to_be_bytes()[1..]);
    p.extend_from_slice(body);
    bx(typ, &p)
}

/// Big-endian `u32`s back to back.
pub(super) fn be(vals: &[u32]) -> Vec<u8> {
    vals.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// Run-length encoding of per-sample values as `(count, value)`.
pub(super) fn runs(vals: &[u32]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &v in vals {
        match out.last_mut() {
            Some(l) if l.1 == v => l.0 += 1,
            _ => out.push((1, v)),
        }
    }
    out
}

/// A run-length table box (`stts`, `ctts`, `sbgp`): `prefix` then count and entries.
fn run_table(typ: &[u8; 4], version: u8, prefix: &[u8], vals: &[u32]) -> Vec<u8> {
    let r = runs(vals);
    let mut body = prefix.to_vec();
    body.extend(be(&[r.len() as u32]));
    r.iter().for_each(|(c, v)| body.extend(be(&[*c, *v])));
    full(typ, version, 0, &body)
}

/// Sample sizes above this many bytes are patterned only at both ends (sparse files).
pub(super) const DENSE: u32 = 4096;

/// The recognizable bytes of sample `i` of track `t`: `(offset in sample, bytes)`. A
/// dense sample is one part; a large one is 64 bytes at each end (zeros between).
pub(super) fn sample_parts(t: usize, i: u32, size: u32) -> Vec<(u64, Vec<u8>)> {
    let tag = [0xA0 | t as u8, (i >> 16) as u8, (i >> 8) as u8, i as u8];
    let fill = |from: u64, to: u64| -> Vec<u8> {
        (from..to)
            .map(|k| match usize::try_from(k).ok().and_then(|k| tag.get(k)) {
                Some(&b) => b,
                None => {
                    (k.wrapping_mul(13)
                        ^ u64::from(i).wrapping_mul(31)
                        ^ (t as u64).wrapping_mul(101)) as u8
                }
            })
            .collect()
    };
    let size = u64::from(size);
    if size <= u64::from(DENSE) {
        return vec![(0, fill(0, size))];
    }
    vec![(0, fill(0, 64)), (size - 64, fill(size - 64, size))]
}

/// The `sdtp` byte of sample `i` (§8.6.4): any recognizable value will do.
pub(super) fn sdtp_byte(i: u32) -> u8 {
    i.wrapping_mul(5).wrapping_add(1) as u8
}

/// The `sbgp` group description index of sample `i` (§8.9.2); 0 means no group.
pub(super) fn group_of(i: u32) -> u32 {
    (i / 4) % 3
}

/// How sample sizes are stored (§8.7.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SizeBox {
    Stsz,
    Constant,
    Stz2(u8),
}

/// A hook that edits the `(type, bytes)` children of a box before they are joined.
pub(super) type Tweak = Rc<dyn Fn(&mut Vec<([u8; 4], Vec<u8>)>)>;

/// One track, sample by sample.
#[derive(Clone)]
pub(super) struct Trk {
    pub handler: [u8; 4],
    pub timescale: u32,
    pub deltas: Vec<u32>,
    /// `ctts` version and per-sample composition offsets.
    pub cto: Option<(u8, Vec<i32>)>,
    /// `stss` entries (1-based); `None`: every sample is a sync sample.
    pub sync: Option<Vec<u32>>,
    pub sizes: Vec<u32>,
    pub size_box: SizeBox,
    /// Samples per chunk, chunk by chunk.
    pub chunks: Vec<u32>,
    /// `sample_description_index` of each chunk (`stsc`), with as many `stsd` entries
    /// as the largest; `None`: 1 for every chunk.
    pub descriptions: Option<Vec<u32>>,
    pub co64: bool,
    /// `elst` entries `(segment_duration in movie ticks, media_time)`.
    pub edits: Option<Vec<(u64, i64)>>,
    pub sdtp: bool,
    /// `sbgp` version, with an `sgpd`.
    pub sbgp: Option<u8>,
    /// Edits the `stbl` children.
    pub tweak: Option<Tweak>,
}

/// `n` samples cut into chunks of `per`.
pub(super) fn chunked(n: u32, per: u32) -> Vec<u32> {
    let mut v = vec![per; (n / per) as usize];
    if !n.is_multiple_of(per) {
        v.push(n % per);
    }
    v
}

/// `n` samples cut into chunks whose sizes cycle through `pattern`.
pub(super) fn chunks_cycling(n: u32, pattern: &[u32]) -> Vec<u32> {
    let (mut v, mut left) = (Vec::new(), n);
    for &c in pattern.iter().cycle() {
        if left == 0 {
            break;
        }
        v.push(c.min(left));
        left -= c.min(left);
    }
    v
}

impl Trk {
    pub fn new(
        handler: &[u8; 4],
        timescale: u32,
        deltas: Vec<u32>,
        sizes: Vec<u32>,
        per_chunk: u32,
    ) -> Trk {
        let chunks = chunked(sizes.len() as u32, per_chunk);
        Trk {
            handler: *handler,
            timescale,
            deltas,
            cto: None,
            sync: None,
            sizes,
            size_box: SizeBox::Stsz,
            chunks,
            descriptions: None,
            co64: false,
            edits: None,
            sdtp: false,
            sbgp: None,
            tweak: None,
        }
    }

    /// 25 fps video (timescale 12800), a sync sample every `gop` samples, 5 per chunk.
    pub fn video(n: u32, gop: u32) -> Trk {
        let sizes = (0..n)
            .map(|i| {
                if i % gop == 0 {
                    300
                } else {
                    60 + (i * 37) % 90
                }
            })
            .collect();
        let mut t = Trk::new(b"vide", 12800, vec![512; n as usize], sizes, 5);
        t.sync = Some((0..n).filter(|i| i % gop == 0).map(|i| i + 1).collect());
        t
    }

    /// Like [`Trk::video`] with B-frames: GOPs of 6 in the decode order I P B B P B,
    /// composition offsets shifted by one frame and an edit list hiding the shift.
    pub fn bframes(n: u32) -> Trk {
        let mut t = Trk::video(n, 6);
        let shown = [0i32, 3, 1, 2, 5, 4];
        t.cto = Some((
            0,
            (0..n)
                .map(|d| (shown[(d % 6) as usize] - (d % 6) as i32 + 1) * 512)
                .collect(),
        ));
        t.edits = Some(vec![(u64::from(n) * 40, 512)]);
        t.sdtp = true;
        t
    }

    /// AAC-like audio: 48 kHz, 1024 ticks per sample, 8 samples per chunk.
    pub fn audio(n: u32) -> Trk {
        let sizes = (0..n).map(|i| 20 + (i * 7) % 23).collect();
        Trk::new(b"soun", 48000, vec![1024; n as usize], sizes, 8)
    }

    /// Subtitles: `n` cues of `ms` milliseconds, one per chunk.
    pub fn text(n: u32, ms: u32) -> Trk {
        Trk::new(b"sbtl", 1000, vec![ms; n as usize], vec![12; n as usize], 1)
    }

    /// Sum of the sample durations, in media ticks.
    pub fn media_duration(&self) -> u64 {
        self.deltas.iter().map(|&d| u64::from(d)).sum()
    }

    /// `tkhd` duration in movie ticks: the edits, or the media duration.
    pub fn movie_duration(&self, movie_ts: u32) -> u64 {
        match &self.edits {
            Some(e) => e.iter().map(|x| x.0).sum(),
            None => self.media_duration() * u64::from(movie_ts) / u64::from(self.timescale),
        }
    }

    /// First sample of chunk `c` (0-based).
    pub fn chunk_start(&self, c: usize) -> u32 {
        self.chunks[..c].iter().sum()
    }

    pub fn stbl(&self, offsets: &[u64]) -> Vec<u8> {
        let n = self.sizes.len() as u32;
        let entry = bx(b"test", &[0, 0, 0, 0, 0, 0, 0, 1]);
        let n_entries = self
            .descriptions
            .iter()
            .flatten()
            .copied()
            .max()
            .unwrap_or(1);
        let entries = (0..n_entries)
            .flat_map(|_| entry.clone())
            .collect::<Vec<_>>();
        let mut kids: Vec<([u8; 4], Vec<u8>)> = vec![(
            *b"stsd",
            full(b"stsd", 0, 0, &[be(&[n_entries]), entries].concat()),
        )];
        kids.push((*b"stts", run_table(b"stts", 0, &[], &self.deltas)));
        if let Some((v, cto)) = &self.cto {
            let vals: Vec<u32> = cto.iter().map(|&c| c as u32).collect();
            kids.push((*b"ctts", run_table(b"ctts", *v, &[], &vals)));
        }
        if let Some(s) = &self.sync {
            kids.push((
                *b"stss",
                full(b"stss", 0, 0, &[be(&[s.len() as u32]), be(s)].concat()),
            ));
        }
        if self.sdtp {
            kids.push((
                *b"sdtp",
                full(b"sdtp", 0, 0, &(0..n).map(sdtp_byte).collect::<Vec<_>>()),
            ));
        }
        kids.push((*b"stsc", self.stsc()));
        kids.push(self.size_table());
        let typ = if self.co64 { *b"co64" } else { *b"stco" };
        let mut body = be(&[offsets.len() as u32]);
        for &o in offsets {
            if self.co64 {
                body.extend(o.to_be_bytes());
            } else {
                body.extend(be(&[u32::try_from(o).expect("stco offset fits")]));
            }
        }
        kids.push((typ, full(&typ, 0, 0, &body)));
        if let Some(v) = self.sbgp {
            let prefix = if v == 1 {
                [&b"roll"[..], &be(&[7])].concat()
            } else {
                b"roll".to_vec()
            };
            let groups: Vec<u32> = (0..n).map(group_of).collect();
            kids.push((*b"sbgp", run_table(b"sbgp", v, &prefix, &groups)));
            let sgpd = [&b"roll"[..], &be(&[2, 2]), &[0xff, 0xff, 0xff, 0xfe]].concat();
            kids.push((*b"sgpd", full(b"sgpd", 1, 0, &sgpd)));
        }
        if let Some(f) = &self.tweak {
            f(&mut kids);
        }
        bx(
            b"stbl",
            &kids.into_iter().flat_map(|k| k.1).collect::<Vec<_>>(),
        )
    }

    /// `sample_description_index` of chunk `c` (0-based).
    pub fn description(&self, c: usize) -> u32 {
        self.descriptions.as_ref().map_or(1, |d| d[c])
    }

    fn stsc(&self) -> Vec<u8> {
        let mut entries: Vec<(u32, u32, u32)> = Vec::new();
        for (c, &spc) in self.chunks.iter().enumerate() {
            let sdi = self.description(c);
            if entries.last().is_none_or(|l| (l.1, l.2) != (spc, sdi)) {
                entries.push((c as u32 + 1, spc, sdi));
            }
        }
        let mut body = be(&[entries.len() as u32]);
        entries
            .iter()
            .for_each(|(f, s, d)| body.extend(be(&[*f, *s, *d])));
        full(b"stsc", 0, 0, &body)
    }

    fn size_table(&self) -> ([u8; 4], Vec<u8>) {
        let n = self.sizes.len() as u32;
        match self.size_box {
            SizeBox::Stsz => (
                *b"stsz",
                full(b"stsz", 0, 0, &[be(&[0, n]), be(&self.sizes)].concat()),
            ),
            SizeBox::Constant => {
                assert!(
                    self.sizes.iter().all(|&s| s == self.sizes[0]),
                    "constant stsz needs equal sizes"
                );
                (*b"stsz", full(b"stsz", 0, 0, &be(&[self.sizes[0], n])))
            }
            SizeBox::Stz2(bits) => {
                assert!(
                    self.sizes.iter().all(|&s| s < 1 << bits),
                    "stz2 size too large for {bits} bits"
                );
                let packed: Vec<u8> = match bits {
                    4 => self
                        .sizes
                        .chunks(2)
                        .map(|p| (p[0] << 4 | p.get(1).copied().unwrap_or(0)) as u8)
                        .collect(),
                    8 => self.sizes.iter().map(|&s| s as u8).collect(),
                    _ => self
                        .sizes
                        .iter()
                        .flat_map(|&s| (s as u16).to_be_bytes())
                        .collect(),
                };
                (
                    *b"stz2",
                    full(b"stz2", 0, 0, &[be(&[u32::from(bits), n]), packed].concat()),
                )
            }
        }
    }
}
