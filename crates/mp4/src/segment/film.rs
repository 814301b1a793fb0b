use crate::error::{bad_seek, defect, not_found, Result};
use crate::parse::movie::Movie;
use crate::parse::sizes::Sizes;
use crate::parse::track::Track;
use crate::segment::{bounds, entry, timeline};
use crate::walk::run_cursor::RunCursor;
use crate::walk::samples::samples;
use loomiere_cmaf::fragment::{media_segment, segment_header_len, Fragment, SampleRow};
use loomiere_cmaf::model::{Segment, Track as Summary};
use loomiere_cmaf::names::{Kind, Rendition};
use loomiere_cmaf::{codecs, dash, hls, init, language};
use loomiere_plan::Plan;
use timeline::Timeline;

/// Shortest segment duration the planner accepts: 1 s (a shorter target would let a
/// follower's boundaries collide).
pub(crate) const MIN_SEGMENT_MS: u64 = 1000;

/// Samples examined at the end of decode order for where presentation ends (H.264 and
/// HEVC reorder at most 16 pictures).
const REORDER_WINDOW: u32 = 64;

/// A film's renditions and how their segments are cut.
pub(crate) struct Film<'a> {
    pub movie: Movie<'a>,
    offers: Vec<Offer>,
    /// Offset `P` of the segments' timeline, ns (see [`timeline`]).
    offset_ns: i128,
    /// Target segment duration, ms.
    target_ms: u64,
    file_len: u64,
}

/// One rendition and where its boundaries come from.
#[derive(Clone, Copy, Debug)]
struct Offer {
    rendition: Rendition,
    /// Index of its track in the movie.
    track: usize,
    /// The offer it follows (see [`bounds`]); `None` for a leader.
    leader: Option<usize>,
}

impl<'a> Film<'a> {
    /// The renditions of `movie` (of a file of `file_len` bytes), for segments of
    /// `target_ms` milliseconds (at least [`MIN_SEGMENT_MS`]).
    ///
    /// Errors: [`crate::Mp4Error::BadSeek`] for a fragmented movie or one with no
    /// video or audio samples; [`crate::Mp4Error::Defect`] for a malformed edit list.
    pub fn new(movie: Movie<'a>, target_ms: u64, file_len: u64) -> Result<Self> {
        if movie.fragmented {
            return Err(bad_seek!("fragmented MP4 (moof) cannot be segmented"));
        }
        let offers = offers(&movie.tracks);
        if offers.is_empty() {
            return Err(bad_seek!("no video or audio track with samples to segment"));
        }
        let offered: Vec<&Track<'_>> = offers.iter().map(|o| &movie.tracks[o.track]).collect();
        for (o, t) in offers.iter().zip(&offered) {
            claims_fit(o.rendition, t, file_len)?;
        }
        let offset_ns = timeline::offset_ns(&offered, movie.timescale)?;
        let target_ms = target_ms.max(MIN_SEGMENT_MS);
        Ok(Film {
            movie,
            offers,
            offset_ns,
            target_ms,
            file_len,
        })
    }

    /// The renditions, videos first, in track order.
    pub fn renditions(&self) -> Vec<Rendition> {
        self.offers.iter().map(|o| o.rendition).collect()
    }

    /// The HLS multivariant playlist. Errors: a malformed table.
    pub fn master(&self) -> Result<String> {
        Ok(hls::master_playlist(&self.summaries()?))
    }

    /// The DASH MPD. Errors: a malformed table.
    pub fn mpd(&self) -> Result<String> {
        Ok(dash::mpd(&self.summaries()?))
    }

    /// The HLS media playlist of `r`. Errors: [`crate::Mp4Error::NotFound`] when the
    /// film has no such rendition; a malformed table.
    pub fn media_playlist(&self, r: Rendition) -> Result<String> {
        Ok(hls::media_playlist(&self.summary(self.offer(r)?, false)?))
    }

    /// The init segment of `r`. Errors: as [`Segmented::media_playlist`], or a
    /// malformed header box.
    pub fn init(&self, r: Rendition) -> Result<Vec<u8>> {
        let o = self.offer(r)?;
        let t = &self.movie.tracks[o.track];
        let h = entry::headers(t)?;
        init::init_segment(&h.boxes, t.timescale).map_err(|e| defect!("{e}"))
    }

    /// Media segment `n` (from 1) of `r`, as a plan of its header and the sample
    /// bytes' file ranges. Errors: [`crate::Mp4Error::NotFound`] when there is no
    /// such rendition or segment; a malformed table; samples of more than one sample
    /// description in the segment.
    pub fn segment(&self, n: u32, r: Rendition) -> Result<Plan> {
        let o = self.offer(r)?;
        let t = &self.movie.tracks[o.track];
        let (first, end) = self.span(o, n)?;
        let rows = samples(t, first, end)?.collect::<Result<Vec<_>>>()?;
        let Some(head) = rows.first() else {
            return Err(defect!("segment {n} of {r} has no samples"));
        };
        let description = head.sample_description_index;
        if rows
            .iter()
            .any(|s| s.sample_description_index != description)
        {
            return Err(defect!("segment {n} of {r} mixes sample descriptions"));
        }
        // Every sample, not only the last: chunk offsets need not grow (ISO/IEC
        // 14496-12 §8.7.5), and a range past the end would be a body shorter than its
        // Content-Length.
        let outside = rows.iter().find(|s| {
            s.offset
                .checked_add(u64::from(s.size))
                .is_none_or(|e| e > self.file_len)
        });
        if let Some(s) = outside {
            let at = u64::from(s.number) + 1;
            return Err(defect!(
                "sample {at} lies past the end of the file ({} bytes)",
                self.file_len
            ));
        }
        let tl = self.timeline(t)?;
        let sample_rows: Vec<SampleRow> = rows
            .iter()
            .map(|s| SampleRow {
                duration: s.duration,
                size: s.size,
                cto: s.cto,
                sync: s.is_sync,
            })
            .collect();
        let ranges: Vec<(u64, u64)> = rows.iter().map(|s| (s.offset, u64::from(s.size))).collect();
        let f = Fragment {
            sequence: n,
            base_decode_time: tl.dts(u128::from(head.dts))?,
            description_index: description,
            offsets: t.ctts.is_some(),
            samples: &sample_rows,
        };
        media_segment(&f, &ranges).map_err(|e| defect!("{e}"))
    }

    /// The offer of rendition `r`. Errors: NotFound.
    fn offer(&self, r: Rendition) -> Result<Offer> {
        self.offers
            .iter()
            .copied()
            .find(|o| o.rendition == r)
            .ok_or_else(|| not_found!("the film has no rendition {r}"))
    }

    /// The segments' timeline of `t`.
    fn timeline(&self, t: &Track<'_>) -> Result<Timeline> {
        timeline::timeline(t, self.movie.timescale, self.offset_ns)
    }

    /// First samples of the segments of `o`.
    fn firsts(&self, o: Offer) -> Result<Vec<u32>> {
        let t = &self.movie.tracks[o.track];
        let Some(l) = o.leader else {
            return self.leader_firsts(t, usize::MAX);
        };
        let lt = &self.movie.tracks[self.offers[l].track];
        let ltl = self.timeline(lt)?;
        let starts = bounds::start_ticks(lt, &ltl, &self.leader_firsts(lt, usize::MAX)?)?;
        let times = starts
            .iter()
            .map(|&s| ltl.since_origin_ns(s))
            .collect::<Result<Vec<_>>>()?;
        bounds::follower_firsts(t, &self.timeline(t)?, &times)
    }

    /// Samples `first..end` of segment `n` (from 1) of `o`, found without the
    /// boundaries of later segments (a follower: without the presentation times of
    /// earlier ones). Errors: NotFound past the last segment.
    fn span(&self, o: Offer, n: u32) -> Result<(u32, u32)> {
        let t = &self.movie.tracks[o.track];
        let missing = |have: usize| {
            not_found!(
                "segment {n} of {}: the rendition has {have} segments",
                o.rendition
            )
        };
        // Segments count from 1: segment 0 is no segment (the URL names never say 0,
        // but this is a public entry).
        let k = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .ok_or_else(|| not_found!("segment {n} of {}: segments count from 1", o.rendition))?;
        let Some(l) = o.leader else {
            let firsts = self.leader_firsts(t, k + 2)?;
            let first = *firsts.get(k).ok_or_else(|| missing(firsts.len()))?;
            return Ok((first, firsts.get(k + 1).copied().unwrap_or(t.samples)));
        };
        let lt = &self.movie.tracks[self.offers[l].track];
        let (ltl, tl) = (self.timeline(lt)?, self.timeline(t)?);
        let lf = self.leader_firsts(lt, k + 2)?;
        let at = |i: usize| -> Result<Option<u32>> {
            let Some(&s) = lf.get(i) else { return Ok(None) };
            let start = bounds::start_ticks(lt, &ltl, &[s])?[0];
            bounds::follower_first(t, &tl, ltl.since_origin_ns(start)?)
        };
        let first = if k == 0 { Some(0) } else { at(k)? };
        let first = first
            .ok_or_else(|| not_found!("segment {n} of {}: its samples end before", o.rendition))?;
        let end = at(k + 1)?.unwrap_or(t.samples);
        if end <= first {
            return Err(bounds::not_increasing(end));
        }
        Ok((first, end))
    }

    /// First samples of the first `limit` segments of the leader `t`.
    fn leader_firsts(&self, t: &Track<'_>, limit: usize) -> Result<Vec<u32>> {
        let target = u128::from(self.target_ms) * u128::from(t.timescale) / 1000;
        bounds::leader_firsts(t, target, limit)
    }

    /// Every rendition's summary, with segment sizes.
    fn summaries(&self) -> Result<Vec<Summary>> {
        self.offers.iter().map(|&o| self.summary(o, true)).collect()
    }

    /// What the manifests say of `o`; segment sizes only `with_bytes` (they cost a
    /// walk over the sizes).
    fn summary(&self, o: Offer, with_bytes: bool) -> Result<Summary> {
        let t = &self.movie.tracks[o.track];
        let tl = self.timeline(t)?;
        let firsts = self.firsts(o)?;
        let starts = bounds::start_ticks(t, &tl, &firsts)?;
        let end = presentation_end(t, &tl)?;
        let mut segments = Vec::with_capacity(firsts.len());
        for (k, &first) in firsts.iter().enumerate() {
            let next = firsts.get(k + 1).copied().unwrap_or(t.samples);
            let (start, stop) = (starts[k], starts.get(k + 1).copied().unwrap_or(end));
            let bytes = if with_bytes {
                segment_bytes(t, first, next)
            } else {
                0
            };
            segments.push(Segment {
                start,
                duration: stop.saturating_sub(start),
                bytes,
            });
        }
        let h = entry::headers(t)?;
        let e = h.entry;
        Ok(Summary {
            rendition: o.rendition,
            timescale: t.timescale,
            codecs: codecs::codec_string(&e.code, e.config),
            language: h.language.as_deref().map(language::bcp47),
            width: e.width,
            height: e.height,
            frame_rate: t.is_video().then(|| frame_rate(t)).flatten(),
            channels: codecs::audio_channels(&e.code, e.config).unwrap_or(e.channels),
            sample_rate: if e.sample_rate > 0 {
                e.sample_rate
            } else {
                t.timescale
            },
            origin: tl.origin,
            segments,
        })
    }
}

/// The offers of a movie's tracks: video and audio tracks with samples, numbered per
/// kind in track order; the first video track leads every audio track (without video,
/// the first audio track leads the others); further video tracks lead themselves.
/// The sample count of `r`'s track `t` fits the file: a sample takes at least one
/// byte, and a constant-size `stsz` (the one count no table's bytes bound) claims
/// `count * size` bytes. Without this, a segment of a film claiming 2^32 - 1 one-byte
/// samples would gather billions of rows. Errors: [`crate::Mp4Error::Defect`] naming
/// the rendition.
fn claims_fit(r: Rendition, t: &Track<'_>, file_len: u64) -> Result<()> {
    let bytes = match t.sizes {
        Sizes::Constant { size, count } => u64::from(size).saturating_mul(u64::from(count)),
        Sizes::Table { .. } => 0,
    };
    if u64::from(t.samples) > file_len || bytes > file_len {
        return Err(defect!(
            "{r} claims {} samples in a file of {file_len} bytes",
            t.samples
        ));
    }
    Ok(())
}

fn offers(tracks: &[Track<'_>]) -> Vec<Offer> {
    let mut out = Vec::new();
    let (mut videos, mut audios) = (0u32, 0u32);
    for (i, t) in tracks.iter().enumerate().filter(|(_, t)| t.samples > 0) {
        let rendition = if t.is_video() {
            videos += 1;
            Rendition {
                kind: Kind::Video,
                number: videos,
            }
        } else if t.is_audio() {
            audios += 1;
            Rendition {
                kind: Kind::Audio,
                number: audios,
            }
        } else {
            continue;
        };
        out.push(Offer {
            rendition,
            track: i,
            leader: None,
        });
    }
    out.sort_by_key(|o| o.rendition);
    let lead = out
        .iter()
        .position(|o| o.rendition.kind == Kind::Video)
        .unwrap_or(0);
    for (i, o) in out.iter_mut().enumerate() {
        if o.rendition.kind == Kind::Audio && i != lead {
            o.leader = Some(lead);
        }
    }
    out
}

/// Output presentation end of `t` (ticks on timeline `tl`): the latest composition
/// end of the last samples in decode order.
fn presentation_end(t: &Track<'_>, tl: &Timeline) -> Result<u64> {
    let from = t.samples.saturating_sub(REORDER_WINDOW);
    let mut dts = RunCursor::new(t.stts);
    let mut cto = t.ctts.map(RunCursor::counts);
    let mut end = 0u64;
    for s in from..t.samples {
        let next = dts.dts(u64::from(s) + 1);
        let c = cto.as_mut().map_or(0, |c| c.cto(u64::from(s)));
        end = end.max(tl.pts(next, c)?);
    }
    Ok(end)
}

/// Bytes of the whole segment holding samples `first..end` of `t`.
fn segment_bytes(t: &Track<'_>, first: u32, end: u32) -> u64 {
    let payload = t.sizes.sum(first, end);
    // The description index is 1 for every segment of a one-entry stsd (nearly all).
    payload + segment_header_len(u64::from(end - first), t.ctts.is_some(), 1, payload)
}

/// Average frames per second of a video track: samples over duration, as a fraction.
fn frame_rate(t: &Track<'_>) -> Option<(u64, u64)> {
    let total = RunCursor::new(t.stts).dts(u64::from(t.samples));
    let total = u64::try_from(total).ok().filter(|&d| d > 0)?;
    Some((
        u64::from(t.samples).checked_mul(u64::from(t.timescale))?,
        total,
    ))
}
