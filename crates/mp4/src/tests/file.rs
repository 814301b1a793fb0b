//! A whole test file: `ftyp`, `moov` before or after one `mdat` holding every chunk
//! (interleaved or track by track, with optional holes and filler), built as
//! `(offset, bytes)` parts so a multi-GiB file can be written sparsely.

use super::build::{be, bx, full, sample_parts, Trk, Tweak};

/// A whole file.
#[derive(Clone)]
pub(super) struct Mov {
    pub timescale: u32,
    pub tracks: Vec<Trk>,
    pub moov_first: bool,
    pub ftyp: bool,
    /// Adds `mvex`: a fragmented file (§8.8.1).
    pub fragmented: bool,
    /// A 64-bit (size 1) `mdat` header.
    pub mdat_large: bool,
    /// Chunks alternate between tracks; otherwise track by track.
    pub interleave: bool,
    /// `gap` zero bytes in `mdat` after the first `gap_after` chunks.
    pub gap: u64,
    pub gap_after: usize,
    /// Filler bytes (0xEE) after every chunk: bytes the output must not carry.
    pub pad: u32,
    /// Version 1 `mvhd`, `tkhd` and `mdhd`.
    pub wide: bool,
    /// Edits the `moov` children.
    pub moov_tweak: Option<Tweak>,
}

/// A built file as parts at offsets; the bytes between parts are zeros.
pub(super) struct Built {
    pub len: u64,
    pub parts: Vec<(u64, Vec<u8>)>,
    /// Per track, the file offset of each chunk, as the builder laid it out.
    pub chunk_offsets: Vec<Vec<u64>>,
}

impl Built {
    /// The whole file in memory.
    pub fn bytes(&self) -> Vec<u8> {
        let mut v = vec![0u8; usize::try_from(self.len).unwrap()];
        for (at, b) in &self.parts {
            let at = *at as usize;
            v[at..at + b.len()].copy_from_slice(b);
        }
        v
    }
}

impl Mov {
    pub fn new(tracks: Vec<Trk>) -> Mov {
        Mov {
            timescale: 1000,
            tracks,
            moov_first: true,
            ftyp: true,
            fragmented: false,
            mdat_large: false,
            interleave: true,
            gap: 0,
            gap_after: 0,
            pad: 0,
            wide: false,
            moov_tweak: None,
        }
    }

    /// `(track, chunk)` in file order.
    fn chunk_order(&self) -> Vec<(usize, usize)> {
        let most = self
            .tracks
            .iter()
            .map(|t| t.chunks.len())
            .max()
            .unwrap_or(0);
        let mut v = Vec::new();
        if self.interleave {
            for c in 0..most {
                (0..self.tracks.len())
                    .filter(|&t| c < self.tracks[t].chunks.len())
                    .for_each(|t| v.push((t, c)));
            }
        } else {
            for (t, trk) in self.tracks.iter().enumerate() {
                (0..trk.chunks.len()).for_each(|c| v.push((t, c)));
            }
        }
        v
    }

    /// Lays the file out: `ftyp`, `moov` before or after one `mdat` of all chunks.
    pub fn build(&self) -> Built {
        let zero: Vec<Vec<u64>> = self
            .tracks
            .iter()
            .map(|t| vec![0; t.chunks.len()])
            .collect();
        let moov_len = self.moov(&zero).len() as u64;
        let ftyp = if self.ftyp {
            bx(b"ftyp", b"isom\0\0\x02\0isomiso2mp41")
        } else {
            Vec::new()
        };
        let hdr = if self.mdat_large { 16 } else { 8 };
        let (mut rel, mut data, mut pos) = (zero, Vec::new(), 0u64);
        let order = self.chunk_order();
        for (k, &(t, c)) in order.iter().enumerate() {
            if k == self.gap_after {
                pos += self.gap;
            }
            rel[t][c] = pos;
            let trk = &self.tracks[t];
            let first = trk.chunk_start(c);
            for i in first..first + trk.chunks[c] {
                let size = trk.sizes[i as usize];
                sample_parts(t, i, size)
                    .into_iter()
                    .for_each(|(o, b)| data.push((pos + o, b)));
                pos += u64::from(size);
            }
            if self.pad > 0 {
                data.push((pos, vec![0xEE; self.pad as usize]));
                pos += u64::from(self.pad);
            }
        }
        if self.gap_after >= order.len() {
            pos += self.gap;
        }
        let mdat_at = ftyp.len() as u64 + if self.moov_first { moov_len } else { 0 };
        let payload_at = mdat_at + hdr;
        let offsets: Vec<Vec<u64>> = rel
            .iter()
            .map(|r| r.iter().map(|o| o + payload_at).collect())
            .collect();
        let moov = self.moov(&offsets);
        assert_eq!(moov.len() as u64, moov_len);
        let mdat_len = hdr + pos;
        let mdat_hdr = if self.mdat_large {
            [be(&[1]), b"mdat".to_vec(), mdat_len.to_be_bytes().to_vec()].concat()
        } else {
            [
                be(&[u32::try_from(mdat_len).expect("mdat fits 32 bits")]),
                b"mdat".to_vec(),
            ]
            .concat()
        };
        let mut parts = vec![(0, ftyp.clone())];
        if self.moov_first {
            parts.push((ftyp.len() as u64, moov.clone()));
        }
        parts.push((mdat_at, mdat_hdr));
        parts.extend(data.into_iter().map(|(o, b)| (o + payload_at, b)));
        let mut len = mdat_at + mdat_len;
        if !self.moov_first {
            parts.push((len, moov));
            len += moov_len;
        }
        parts.retain(|p| !p.1.is_empty());
        Built {
            len,
            parts,
            chunk_offsets: offsets,
        }
    }

    fn moov(&self, offsets: &[Vec<u64>]) -> Vec<u8> {
        let mut kids = vec![(*b"mvhd", self.mvhd())];
        for (i, t) in self.tracks.iter().enumerate() {
            kids.push((*b"trak", self.trak(i, t, &offsets[i])));
        }
        if self.fragmented {
            kids.push((
                *b"mvex",
                bx(b"mvex", &full(b"trex", 0, 0, &be(&[1, 1, 0, 0, 0]))),
            ));
        }
        if let Some(f) = &self.moov_tweak {
            f(&mut kids);
        }
        bx(
            b"moov",
            &kids.into_iter().flat_map(|k| k.1).collect::<Vec<_>>(),
        )
    }

    /// Creation/modification times, then `tail` (timescale and/or ids) and duration.
    fn times(&self, mid: &[u32], duration: u64) -> Vec<u8> {
        if self.wide {
            [vec![0; 16], be(mid), duration.to_be_bytes().to_vec()].concat()
        } else {
            [
                be(&[0, 0]),
                be(mid),
                be(&[u32::try_from(duration).unwrap()]),
            ]
            .concat()
        }
    }

    fn mvhd(&self) -> Vec<u8> {
        let dur = self
            .tracks
            .iter()
            .map(|t| t.movie_duration(self.timescale))
            .max()
            .unwrap_or(0);
        let mut b = self.times(&[self.timescale], dur);
        b.extend(be(&[0x0001_0000, 0x0100_0000, 0, 0]));
        b.extend(be(&[
            0x10000,
            0,
            0,
            0,
            0x10000,
            0,
            0,
            0,
            0x4000_0000,
            0,
            0,
            0,
            0,
            0,
            0,
        ]));
        b.extend(be(&[self.tracks.len() as u32 + 1]));
        full(b"mvhd", u8::from(self.wide), 0, &b)
    }

    fn trak(&self, i: usize, t: &Trk, offsets: &[u64]) -> Vec<u8> {
        let mut tkhd = self.times(&[i as u32 + 1, 0], t.movie_duration(self.timescale));
        tkhd.extend(be(&[
            0,
            0,
            0,
            0x0100_0000,
            0x10000,
            0,
            0,
            0,
            0x10000,
            0,
            0,
            0,
            0x4000_0000,
            0,
            0,
        ]));
        let mut kids = full(b"tkhd", u8::from(self.wide), 3, &tkhd);
        if let Some(e) = &t.edits {
            let wide = e
                .iter()
                .any(|&(d, m)| d > i32::MAX as u64 || m > i64::from(i32::MAX));
            let mut body = be(&[e.len() as u32]);
            for &(d, m) in e {
                if wide {
                    body.extend([d.to_be_bytes(), m.to_be_bytes()].concat());
                } else {
                    body.extend(be(&[d as u32, m as i32 as u32]));
                }
                body.extend(be(&[0x0001_0000]));
            }
            kids.extend(bx(b"edts", &full(b"elst", u8::from(wide), 0, &body)));
        }
        let mut mdhd = self.times(&[t.timescale], t.media_duration());
        mdhd.extend(be(&[0x55c4_0000]));
        let hdlr = [
            be(&[0]),
            t.handler.to_vec(),
            vec![0; 12],
            b"test\0".to_vec(),
        ]
        .concat();
        let mhd = match &t.handler {
            b"vide" => full(b"vmhd", 0, 1, &[0; 8]),
            b"soun" => full(b"smhd", 0, 0, &[0; 4]),
            _ => full(b"nmhd", 0, 0, &[]),
        };
        let dinf = bx(
            b"dinf",
            &full(
                b"dref",
                0,
                0,
                &[be(&[1]), full(b"url ", 0, 1, &[])].concat(),
            ),
        );
        let minf = bx(b"minf", &[mhd, dinf, t.stbl(offsets)].concat());
        let mdia = [
            full(b"mdhd", u8::from(self.wide), 0, &mdhd),
            full(b"hdlr", 0, 0, &hdlr),
            minf,
        ]
        .concat();
        kids.extend(bx(b"mdia", &mdia));
        bx(b"trak", &kids)
    }
}
