//! What the manifests say about a film: its renditions and their segments, as plain
//! numbers computed from the source's sample tables by the caller.

use crate::names::{Kind, Rendition};

/// One media segment of a rendition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// Earliest presentation time of its samples, in the rendition's media ticks, on
    /// the timeline its segments carry (see [`Track::origin`]).
    pub start: u64,
    /// Presentation duration, in media ticks: to the next segment's start, or for the
    /// last one to the end of the rendition.
    pub duration: u64,
    /// Bytes of the whole segment (`styp` + `moof` + `mdat`).
    pub bytes: u64,
}

/// One rendition (one source track).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Track {
    pub rendition: Rendition,
    /// Media ticks per second (`mdhd` timescale).
    pub timescale: u32,
    /// RFC 6381 codec string, when known (see [`crate::codecs`]).
    pub codecs: Option<String>,
    /// Language: a BCP 47 tag from `elng`, or the ISO 639-2/T code of `mdhd`; `None`
    /// for `und`.
    pub language: Option<String>,
    /// Display size in pixels (video).
    pub width: u16,
    pub height: u16,
    /// Frames per second as a fraction `(numerator, denominator)` (video).
    pub frame_rate: Option<(u64, u64)>,
    /// Channels and sampling rate in Hz (audio).
    pub channels: u16,
    pub sample_rate: u32,
    /// The media time (ticks) that presentation time 0 of the film maps to on the
    /// segments' timeline: DASH's `@presentationTimeOffset`.
    pub origin: u64,
    /// The segments, in order (at least one).
    pub segments: Vec<Segment>,
}

impl Default for Rendition {
    fn default() -> Self {
        Rendition {
            kind: Kind::Video,
            number: 1,
        }
    }
}

impl Track {
    /// Total presentation duration, in media ticks.
    pub fn duration(&self) -> u64 {
        self.segments.iter().map(|s| s.duration).sum()
    }

    /// Where its last segment ends, in media ticks on the segments' timeline.
    pub fn end(&self) -> u64 {
        self.segments
            .last()
            .map_or(self.origin, |s| s.start + s.duration)
    }

    /// Bytes of all segments.
    pub fn bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.bytes).sum()
    }

    /// Average bit rate over the whole rendition (bits per second, rounded up): the
    /// `AVERAGE-BANDWIDTH` part of this rendition (RFC 8216 §4.3.4.2).
    pub fn average_bandwidth(&self) -> u64 {
        rate(self.bytes(), self.duration(), self.timescale)
    }

    /// Peak segment bit rate (RFC 8216 §4.3.4.2 and §6.2.2 for its definition): the
    /// largest bit rate of any contiguous run of segments lasting between 0.5 and 1.5
    /// times `target` seconds; for a rendition shorter than half of it, its average.
    pub fn peak_bandwidth(&self, target: u64) -> u64 {
        let ts = u64::from(self.timescale);
        let (lo, hi) = (target * ts / 2, target * ts * 3 / 2);
        let mut peak = None;
        for i in 0..self.segments.len() {
            let (mut bytes, mut ticks) = (0u64, 0u64);
            for s in &self.segments[i..] {
                if ticks + s.duration > hi && ticks > 0 {
                    break;
                }
                bytes += s.bytes;
                ticks += s.duration;
                if ticks >= lo {
                    peak = peak.max(Some(rate(bytes, ticks, self.timescale)));
                }
            }
        }
        peak.unwrap_or_else(|| self.average_bandwidth())
    }
}

/// `bytes` over `ticks` at `timescale`, in bits per second, rounded up (0 for no time).
fn rate(bytes: u64, ticks: u64, timescale: u32) -> u64 {
    if ticks == 0 {
        return 0;
    }
    let bits = u128::from(bytes) * 8 * u128::from(timescale);
    u64::try_from(bits.div_ceil(u128::from(ticks))).unwrap_or(u64::MAX)
}

/// Milliseconds of `ticks` at `timescale`, rounded to the nearest.
pub(crate) fn ms(ticks: u64, timescale: u32) -> u64 {
    let ts = u128::from(timescale.max(1));
    u64::try_from((u128::from(ticks) * 1000 + ts / 2) / ts).unwrap_or(u64::MAX)
}

/// Milliseconds as `S.mmm`.
pub(crate) fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(segs: &[(u64, u64)]) -> Track {
        let mut start = 0;
        let segments = segs
            .iter()
            .map(|&(duration, bytes)| {
                let s = Segment {
                    start,
                    duration,
                    bytes,
                };
                start += duration;
                s
            })
            .collect();
        Track {
            timescale: 1000,
            segments,
            ..Track::default()
        }
    }

    #[test]
    fn peak_is_the_busiest_run_of_about_the_target_duration() {
        // 6 s segments of 600 kB, one of 1.2 MB: peak 1.6 Mb/s over that one segment.
        let t = track(&[(6000, 600_000), (6000, 1_200_000), (6000, 600_000)]);
        assert_eq!(t.peak_bandwidth(6), 1_600_000);
        assert_eq!(t.average_bandwidth(), 1_066_667);
        // 2 s segments: runs of 3..9 s count (the busy one with a neighbour: 4 s, 20.2
        // kb/s), the busy 2 s segment alone does not (it would be 40 kb/s).
        let t = track(&[(2000, 100), (2000, 10_000), (2000, 100), (2000, 100)]);
        assert_eq!(t.peak_bandwidth(6), 20_200);
        assert_eq!(
            track(&[(1000, 1000)]).peak_bandwidth(6),
            8000,
            "shorter than half the target"
        );
    }

    #[test]
    fn milliseconds_round_to_nearest() {
        assert_eq!((ms(1, 3), ms(2, 3), ms(3, 2000)), (333, 667, 2));
        assert_eq!(seconds(6_005), "6.005");
    }
}
